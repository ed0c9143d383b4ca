/* ps-parse.h: one strict parser for every numeric command-line option
 *
 * A number is the whole string in the C locale: an optional sign, digits
 * with an optional decimal point, an optional exponent ("-2.5", "1e-3").
 * Refused, with a message that names the option: hexadecimal ("0x10"),
 * leading or trailing spaces, trailing junk ("5s"), "inf" and "nan", values
 * that overflow, and values outside the option's range. Whole numbers
 * (--seed, sizes) are digits only, no sign.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* value in [min, max], or (min, max] when min_exclusive */
gboolean ps_parse_double (const char  *option,
                          const char  *text,
                          double       min,
                          gboolean     min_exclusive,
                          double       max,
                          double      *out,
                          GError     **error);
/* value in [min, max] */
gboolean ps_parse_uint64 (const char  *option,
                          const char  *text,
                          guint64      min,
                          guint64      max,
                          guint64     *out,
                          GError     **error);

G_END_DECLS
