/* SPDX-License-Identifier: MIT */
/* Status codes: ct_strerror. */
#include "harness.h"

#include <string.h>

static const int every_code[] = {
    CT_OK, CT_ETIMEDOUT, CT_EINVAL, CT_EPERM, CT_EDEADLK, CT_EOVERFLOW, CT_ENOMEM,
    CT_EAGAIN, CT_EBROKEN, CT_ECANCELLED, CT_EEMPTY, CT_EFULL, CT_ESHUTDOWN,
};
#define CODE_COUNT (sizeof every_code / sizeof every_code[0])

TEST(codes_are_zero_then_negative_and_distinct)
{
    size_t i, j;
    CHECK_EQ(CT_OK, 0);
    for (i = 1; i < CODE_COUNT; i++) {
        CHECK_LT(every_code[i], 0);
        for (j = 0; j < i; j++) CHECK_NE(every_code[i], every_code[j]);
    }
}

TEST(every_code_has_its_own_message)
{
    size_t i, j;
    for (i = 0; i < CODE_COUNT; i++) {
        const char *message = ct_strerror(every_code[i]);
        CHECK_MSG(message != NULL, "no message for %d", every_code[i]);
        CHECK_MSG(message[0] != '\0', "empty message for %d", every_code[i]);
        CHECK_MSG(strchr(message, '\n') == NULL, "message for %d is not one line", every_code[i]);
        for (j = 0; j < i; j++)
            CHECK_MSG(strcmp(message, ct_strerror(every_code[j])) != 0,
                      "%d and %d share the message '%s'", every_code[i], every_code[j], message);
    }
}

TEST(unknown_code_still_has_a_message)
{
    const int unknown[] = { 12345, -12345, CT_ESHUTDOWN - 1, 1 };
    size_t i;
    for (i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        const char *message = ct_strerror(unknown[i]);
        CHECK_MSG(message != NULL, "no message for %d", unknown[i]);
        CHECK_MSG(message[0] != '\0', "empty message for %d", unknown[i]);
    }
}
