/* fuzz-common.h: what every libFuzzer entry point in tests/fuzz shares
 *
 * Each fuzz-*.c defines LLVMFuzzerTestOneInput(). Built with -Dfuzzing=true
 * (clang) it links against libFuzzer; otherwise replay-main.c supplies a
 * main() that feeds it every file of the corpus directories given on the
 * command line, so the corpus runs in every `meson test`.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

/* The input as a NUL-terminated string (the loaders take text) */
static inline char *
fuzz_text (const uint8_t *data,
           size_t         size)
{
  char *text = g_malloc (size + 1);

  memcpy (text, data, size);
  text[size] = '\0';
  return text;
}

/* A crash, not an error: what the fuzzer must report */
#define fuzz_check(cond) \
  G_STMT_START { if (!(cond)) { g_printerr ("fuzz check failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); abort (); } } G_STMT_END
