/* SPDX-License-Identifier: MIT */
/* The one intrusive doubly linked list of the runtime: a record that can be on
 * a list embeds a ct__link, and the list is a head and a tail. All-zero bytes
 * are an empty list and an unlinked link, so static lists need no
 * initializer. Not thread-safe: every list is guarded by its owner's lock. */
#ifndef CT_LIST_H
#define CT_LIST_H

#include <stdbool.h>
#include <stddef.h>

typedef struct ct__link {
    struct ct__link *next, *prev;
} ct__link;

typedef struct ct__list {
    ct__link *head, *tail;
} ct__list;

/* The record of type that holds link as its member. */
#define CT__CONTAINER(link, type, member) ((type *)(void *)((char *)(link) - offsetof(type, member)))

static inline bool ct__list_empty(const ct__list *list)
{
    return list->head == NULL;
}

static inline void ct__list_push_back(ct__list *list, ct__link *link)
{
    link->next = NULL;
    link->prev = list->tail;
    if (list->tail) list->tail->next = link;
    else list->head = link;
    list->tail = link;
}

static inline void ct__list_push_front(ct__list *list, ct__link *link)
{
    link->prev = NULL;
    link->next = list->head;
    if (list->head) list->head->prev = link;
    else list->tail = link;
    list->head = link;
}

/* Unlink link, which is on list. */
static inline void ct__list_remove(ct__list *list, ct__link *link)
{
    if (link->prev) link->prev->next = link->next;
    else list->head = link->next;
    if (link->next) link->next->prev = link->prev;
    else list->tail = link->prev;
    link->next = link->prev = NULL;
}

/* Empty list and return what it held, as a list of its own. */
static inline ct__list ct__list_take(ct__list *list)
{
    ct__list taken = *list;
    list->head = list->tail = NULL;
    return taken;
}

/* Unlink and return the first link, or NULL when list is empty. */
static inline ct__link *ct__list_pop_front(ct__list *list)
{
    ct__link *link = list->head;
    if (link) ct__list_remove(list, link);
    return link;
}

#endif /* CT_LIST_H */
