/* SPDX-License-Identifier: MIT */
/* threading.BoundedSemaphore as a limited pool of connections: 8 clients, at
 * most 3 connected at once.
 *
 *     pool = threading.BoundedSemaphore(3)
 *
 *     def client(i):
 *         with pool:
 *             connect(); query(); disconnect()
 *
 * A BoundedSemaphore also catches a release without a matching acquire.
 */
#include <cthreading.h>
#include <stdio.h>

#define MAX_CONNECTIONS 3
#define CLIENT_COUNT 8

static ct_semaphore connection_slots = CT_BOUNDED_SEMAPHORE_INIT(MAX_CONNECTIONS);

static ct_lock stats_lock = CT_LOCK_INIT;
static int open_connections;
static int most_open_connections;
static int served_clients;

static void open_connection(void)
{
    ct_lock_acquire(&stats_lock);
    open_connections++;
    if (open_connections > most_open_connections)
        most_open_connections = open_connections;
    ct_lock_release(&stats_lock);
}

static void close_connection(void)
{
    ct_lock_acquire(&stats_lock);
    open_connections--;
    served_clients++;
    ct_lock_release(&stats_lock);
}

static void client(void *arg)
{
    (void)arg;
    ct_semaphore_acquire(&connection_slots);
    open_connection();
    ct_sleep(0.05); /* the query */
    close_connection();
    ct_semaphore_release(&connection_slots, 1);
}

int main(void)
{
    ct_thread *clients[CLIENT_COUNT];
    for (int i = 0; i < CLIENT_COUNT; i++) {
        int status = ct_thread_start(&clients[i], client, NULL, NULL);
        if (status != CT_OK) {
            fprintf(stderr, "ct_thread_start: %s\n", ct_strerror(status));
            return 1;
        }
    }
    for (int i = 0; i < CLIENT_COUNT; i++) {
        ct_thread_join(clients[i], CT_FOREVER);
        ct_thread_release(clients[i]);
    }

    printf("Served %d clients\n", served_clients);
    printf("Most connections open at once: %d\n", most_open_connections);
    printf("Limit of %d respected: %s\n", MAX_CONNECTIONS,
           most_open_connections <= MAX_CONNECTIONS ? "yes" : "no");
    printf("Free slots after all clients: %lld\n", (long long)ct_semaphore_value(&connection_slots));

    int status = ct_semaphore_release(&connection_slots, 1);
    printf("Releasing once too often: %s\n",
           status == CT_EINVAL ? "CT_EINVAL (ValueError)" : ct_strerror(status));
    return 0;
}
