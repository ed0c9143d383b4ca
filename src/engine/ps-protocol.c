/* ps-protocol.c: the experiment language (a PyBaMM-compatible superset)
 *
 * Parsing runs in two layers. The structure reader walks the whole text:
 * steps and cycles "(...) x N" separated by ';', ',' or newlines, each step
 * handed to the step reader as it is found. The step reader splits a step
 * into tokens (words, numbers, '/', '%', '<', '>', parentheses, quoted
 * names), each with its place in the step, and reads them by recursive
 * descent. Every error names the step as written (1-based) and the column in
 * its text, or for the structure the line and column of the whole text.
 *
 * The cycles are then expanded into the steps the engine runs, each knowing
 * the cycle it runs in; the structure as written is kept as items, so the
 * protocol prints back to text that parses to the same protocol.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ps-error.h"
#include "ps-protocol.h"

/* longer than any test a pack would sensibly run (~116 days) */
#define PS_PROTOCOL_MAX_DURATION_S 1e7
/* voltages in a protocol are cell voltages */
#define PS_PROTOCOL_MAX_CELL_VOLTAGE_V 10.0
/* a bare "C" after a number in an end condition is a temperature from this
 * many degrees up (and below zero), a C-rate below it */
#define PS_PROTOCOL_C_TEMPERATURE_FROM 10.0
/* temperatures a protocol may name, in °C */
#define PS_PROTOCOL_MIN_TEMP_C (-100.0)
#define PS_PROTOCOL_MAX_TEMP_C 300.0
#define PS_PROTOCOL_MAX_DEPTH 8
#define PS_PROTOCOL_MAX_REPEAT 100000
#define PS_PROTOCOL_MAX_DRIVE_REPEAT 10000
#define ZERO_C_IN_K 273.15

/* ------------------------------------------------------------------ tokens */

typedef enum
{
  TOKEN_WORD,
  TOKEN_NUMBER,
  TOKEN_SLASH,
  TOKEN_MINUS,
  TOKEN_PERCENT,
  TOKEN_LESS,
  TOKEN_GREATER,
  TOKEN_OPEN,
  TOKEN_CLOSE,
  TOKEN_QUOTED,
  TOKEN_OTHER,
  TOKEN_END,
} TokenKind;

typedef struct
{
  TokenKind  kind;
  gsize      start;    /* byte offsets in the step's text */
  gsize      end;
  double     number;
} Token;

typedef struct
{
  guint        step_no;
  const char  *text;        /* the step (stripped) */
  gsize        text_len;
  GArray      *tokens;      /* of Token, the last one TOKEN_END */
  guint        pos;
  gsize        error_at;    /* byte offset in text of the error */
} Parser;

/* '°' and 'Ω' belong to words ("°C", "mΩ"); returns the length of the
 * word character at p, 0 if none */
static gsize
word_char_len (const char *p)
{
  if (g_ascii_isalpha (*p))
    return 1;
  if ((guchar) p[0] == 0xc2 && (guchar) p[1] == 0xb0)   /* ° */
    return 2;
  if ((guchar) p[0] == 0xce && (guchar) p[1] == 0xa9)   /* Ω */
    return 2;
  return 0;
}

static void
push_token (GArray     *tokens,
            TokenKind   kind,
            const char *text,
            gsize       start,
            gsize       end)
{
  Token token = { kind, start, end, 0.0 };

  if (kind == TOKEN_NUMBER)
    {
      g_autofree char *s = g_strndup (text + start, end - start);
      token.number = g_ascii_strtod (s, NULL);
    }
  g_array_append_val (tokens, token);
}

static gsize
column_of (Parser *parser,
           gsize   offset)
{
  return g_utf8_strlen (parser->text, MIN (offset, parser->text_len)) + 1;
}

G_GNUC_PRINTF (5, 6)
static gboolean
fail_at (Parser      *parser,
         gsize        offset,
         GError     **error,
         int          code,
         const char  *format,
         ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  parser->error_at = offset;
  g_set_error (error, PS_ENGINE_ERROR, code, "step %u, column %" G_GSIZE_FORMAT ": %s",
               parser->step_no, column_of (parser, offset), what);
  return FALSE;
}

static gboolean
tokenize (Parser  *parser,
          GError **error)
{
  const char *s = parser->text;
  gsize i = 0;

  while (s[i] != '\0')
    {
      gsize start = i;
      gsize n;

      if (g_ascii_isspace (s[i]))
        {
          i++;
          continue;
        }

      if (g_ascii_isdigit (s[i]) || (s[i] == '.' && g_ascii_isdigit (s[i + 1])))
        {
          while (g_ascii_isdigit (s[i]))
            i++;
          if (s[i] == '.')
            {
              i++;
              while (g_ascii_isdigit (s[i]))
                i++;
            }
          /* an exponent only when digits follow, so "1e" is not eaten */
          if ((s[i] == 'e' || s[i] == 'E')
              && (g_ascii_isdigit (s[i + 1])
                  || ((s[i + 1] == '+' || s[i + 1] == '-') && g_ascii_isdigit (s[i + 2]))))
            {
              i += 2;
              while (g_ascii_isdigit (s[i]))
                i++;
            }
          push_token (parser->tokens, TOKEN_NUMBER, s, start, i);
        }
      else if ((n = word_char_len (s + i)) > 0)
        {
          while ((n = word_char_len (s + i)) > 0)
            i += n;
          push_token (parser->tokens, TOKEN_WORD, s, start, i);
        }
      else if (s[i] == '"')
        {
          const char *close = strchr (s + i + 1, '"');

          if (close == NULL)
            return fail_at (parser, start, error, PS_ENGINE_ERROR_PARSE,
                            "the quote is not closed, expected a '\"' after the name");
          i = close - s + 1;
          push_token (parser->tokens, TOKEN_QUOTED, s, start, i);
        }
      else
        {
          static const struct { char c; TokenKind kind; } singles[] = {
            { '/', TOKEN_SLASH }, { '-', TOKEN_MINUS }, { '%', TOKEN_PERCENT },
            { '<', TOKEN_LESS }, { '>', TOKEN_GREATER }, { '(', TOKEN_OPEN },
            { ')', TOKEN_CLOSE },
          };
          TokenKind kind = TOKEN_OTHER;

          for (guint k = 0; k < G_N_ELEMENTS (singles); k++)
            if (s[i] == singles[k].c)
              kind = singles[k].kind;
          /* one whole UTF-8 character, so the message shows it intact */
          i = g_utf8_next_char (s + i) - s;
          push_token (parser->tokens, kind, s, start, i);
        }
    }

  push_token (parser->tokens, TOKEN_END, s, i, i);
  return TRUE;
}

static const Token *
peek_at (Parser *parser,
         guint   ahead)
{
  guint i = MIN (parser->pos + ahead, parser->tokens->len - 1);

  return &g_array_index (parser->tokens, Token, i);
}

static const Token *
peek (Parser *parser)
{
  return peek_at (parser, 0);
}

static const Token *
next (Parser *parser)
{
  const Token *token = peek (parser);

  if (token->kind != TOKEN_END)
    parser->pos++;
  return token;
}

static gboolean
is_word (Parser      *parser,
         const Token *token,
         const char  *word)
{
  gsize len = strlen (word);

  return token->kind == TOKEN_WORD && token->end - token->start == len
         && g_ascii_strncasecmp (parser->text + token->start, word, len) == 0;
}

static char *
describe (Parser      *parser,
          const Token *token)
{
  if (token->kind == TOKEN_END)
    return g_strdup ("the end of the step");
  return g_strdup_printf ("\"%.*s\"", (int) (token->end - token->start),
                          parser->text + token->start);
}

static char *
token_string (Parser      *parser,
              const Token *token)
{
  return g_strndup (parser->text + token->start, token->end - token->start);
}

static gboolean
expect_word (Parser      *parser,
             const char  *word,
             const char  *after,
             GError     **error)
{
  const Token *token = next (parser);
  g_autofree char *found = NULL;

  if (is_word (parser, token, word))
    return TRUE;

  found = describe (parser, token);
  return fail_at (parser, token->start, error, PS_ENGINE_ERROR_PARSE,
                  "expected \"%s\" after \"%s\", found %s", word, after, found);
}

typedef enum
{
  NUMBER_POSITIVE,     /* > 0 */
  NUMBER_NON_NEGATIVE, /* >= 0 */
  NUMBER_SIGNED,       /* any, a '-' before it allowed */
} NumberSign;

/* A finite number; `what` names it in messages. *out_token is the number's
 * token (for "after ..." in the next message). */
static gboolean
read_number (Parser        *parser,
             const char    *what,
             NumberSign     sign,
             double        *out,
             const Token  **out_token,
             GError       **error)
{
  const Token *token = next (parser);
  gboolean negative = FALSE;
  g_autofree char *found = NULL;

  if (token->kind == TOKEN_MINUS && peek (parser)->kind == TOKEN_NUMBER)
    {
      const Token *number = peek (parser);

      if (sign != NUMBER_SIGNED)
        return fail_at (parser, token->start, error, PS_ENGINE_ERROR_INVALID,
                        "%s \"-%.*s\" is negative, expected a positive number "
                        "(the step's verb gives the direction)", what,
                        (int) (number->end - number->start), parser->text + number->start);
      negative = TRUE;
      token = next (parser);
    }

  if (token->kind != TOKEN_NUMBER)
    {
      found = describe (parser, token);
      return fail_at (parser, token->start, error, PS_ENGINE_ERROR_PARSE,
                      "expected a number for %s, found %s", what, found);
    }

  if (!isfinite (token->number))
    {
      found = describe (parser, token);
      return fail_at (parser, token->start, error, PS_ENGINE_ERROR_INVALID,
                      "%s %s is not a finite number", what, found);
    }
  if ((sign == NUMBER_POSITIVE && token->number <= 0.0))
    {
      found = describe (parser, token);
      return fail_at (parser, token->start, error, PS_ENGINE_ERROR_INVALID,
                      "%s %s must be greater than zero", what, found);
    }

  *out = negative ? -token->number : token->number;
  if (out_token != NULL)
    *out_token = token;
  return TRUE;
}

/* "C/<n>" when the 'C' is next: returns TRUE with the C-rate 1/n, or FALSE
 * with *matched FALSE when it is not there. */
static gboolean
read_c_fraction (Parser      *parser,
                 gboolean    *matched,
                 double      *out,
                 GError     **error)
{
  const Token *c = peek (parser);
  const Token *number;
  double n = 0.0;

  *matched = is_word (parser, c, "c") && peek_at (parser, 1)->kind == TOKEN_SLASH;
  if (!*matched)
    return FALSE;

  next (parser);
  next (parser);
  if (!read_number (parser, "the C-rate divisor", NUMBER_POSITIVE, &n, &number, error))
    return FALSE;
  *out = 1.0 / n;
  if (!(*out > 0.0) || !isfinite (*out))
    return fail_at (parser, c->start, error, PS_ENGINE_ERROR_INVALID,
                    "C/%g is not a usable C-rate", n);
  return TRUE;
}

static gboolean
read_duration (Parser      *parser,
               double      *out_s,
               GError     **error)
{
  static const struct { const char *word; double scale; } units[] = {
    { "s", 1.0 }, { "sec", 1.0 }, { "secs", 1.0 }, { "second", 1.0 }, { "seconds", 1.0 },
    { "m", 60.0 }, { "min", 60.0 }, { "mins", 60.0 }, { "minute", 60.0 }, { "minutes", 60.0 },
    { "h", 3600.0 }, { "hr", 3600.0 }, { "hrs", 3600.0 }, { "hour", 3600.0 }, { "hours", 3600.0 },
  };
  const Token *token, *number;
  g_autofree char *found = NULL;
  g_autofree char *written = NULL;
  double value = 0.0;

  if (!read_number (parser, "the duration", NUMBER_POSITIVE, &value, &number, error))
    return FALSE;

  token = next (parser);
  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    {
      if (is_word (parser, token, units[i].word))
        {
          *out_s = value * units[i].scale;
          if (*out_s > PS_PROTOCOL_MAX_DURATION_S)
            return fail_at (parser, number->start, error, PS_ENGINE_ERROR_LIMIT,
                            "a duration of %g s is too long, expected at most %g s",
                            *out_s, PS_PROTOCOL_MAX_DURATION_S);
          return TRUE;
        }
    }

  found = describe (parser, token);
  written = token_string (parser, number);
  if (token->kind == TOKEN_WORD)
    return fail_at (parser, token->start, error, PS_ENGINE_ERROR_PARSE,
                    "unknown time unit %s, expected s, min or h (seconds, minutes, hours)",
                    found);
  return fail_at (parser, token->start, error, PS_ENGINE_ERROR_PARSE,
                  "expected a time unit (s, min or h) after \"%s\", found %s", written, found);
}

/* ------------------------------------------------------------------ units */

typedef struct
{
  const char *word;
  PsStepUnit  unit;
  double      scale;      /* value = x * scale, or x / -scale when negative
                           * (milli: / 1000 reads "700 mA" as 0.7 A exactly) */
} UnitWord;

static double
unit_apply (const UnitWord *u,
            double          x)
{
  return u->scale < 0.0 ? x / -u->scale : x * u->scale;
}

static const UnitWord electric_units[] = {
  { "a", PS_STEP_UNIT_AMPERE, 1.0 },   { "ma", PS_STEP_UNIT_AMPERE, -1e3 },
  { "c", PS_STEP_UNIT_C_RATE, 1.0 },
  { "w", PS_STEP_UNIT_WATT, 1.0 },     { "mw", PS_STEP_UNIT_WATT, -1e3 },
  { "kw", PS_STEP_UNIT_WATT, 1e3 },
  { "v", PS_STEP_UNIT_VOLT, 1.0 },     { "mv", PS_STEP_UNIT_VOLT, -1e3 },
  { "ohm", PS_STEP_UNIT_OHM, 1.0 },    { "ohms", PS_STEP_UNIT_OHM, 1.0 },
  { "mohm", PS_STEP_UNIT_OHM, -1e3 },  { "Ω", PS_STEP_UNIT_OHM, 1.0 },
  { "mΩ", PS_STEP_UNIT_OHM, -1e3 },
};

#define ELECTRIC_UNITS "A, mA, C, W, kW, V, Ohm"

/* Case-insensitive, except that a capital 'M' (mega) is no milli. */
static const UnitWord *
lookup_unit (Parser         *parser,
             const Token    *token,
             const UnitWord *table,
             guint           n)
{
  if (token->kind != TOKEN_WORD)
    return NULL;
  if (parser->text[token->start] == 'M' && token->end - token->start > 1)
    return NULL;
  for (guint i = 0; i < n; i++)
    if (is_word (parser, token, table[i].word))
      return &table[i];
  return NULL;
}

/* <x> A|mA|C|W|mW|kW|V|mV|Ohm or C/<n>: the step's value */
static gboolean
read_electric (Parser      *parser,
               PsStepUnit  *unit,
               double      *value,
               gsize       *unit_at,
               GError     **error)
{
  const Token *number, *token;
  const UnitWord *u;
  g_autofree char *found = NULL;
  g_autofree char *written = NULL;
  gboolean matched;

  *unit_at = peek (parser)->start;
  if (read_c_fraction (parser, &matched, value, error))
    {
      *unit = PS_STEP_UNIT_C_RATE;
      return TRUE;
    }
  if (matched)
    return FALSE;

  if (!read_number (parser, "the rate", NUMBER_POSITIVE, value, &number, error))
    return FALSE;

  token = next (parser);
  *unit_at = token->start;
  u = lookup_unit (parser, token, electric_units, G_N_ELEMENTS (electric_units));
  written = token_string (parser, number);
  found = describe (parser, token);
  if (u == NULL && (token->kind == TOKEN_WORD || token->kind == TOKEN_OTHER)
      && !is_word (parser, token, "for") && !is_word (parser, token, "until")
      && !is_word (parser, token, "or"))
    return fail_at (parser, token->start, error, PS_ENGINE_ERROR_PARSE,
                    "unknown unit %s after \"%s\", expected one of " ELECTRIC_UNITS,
                    found, written);
  if (u == NULL)
    return fail_at (parser, number->end, error, PS_ENGINE_ERROR_PARSE,
                    "expected a unit (" ELECTRIC_UNITS ") after \"%s\"", written);

  *unit = u->unit;
  *value = unit_apply (u, *value);
  if (!isfinite (*value) || *value <= 0.0)
    return fail_at (parser, number->start, error, PS_ENGINE_ERROR_INVALID,
                    "the rate \"%s\" %.*s is not a usable number", written,
                    (int) (token->end - token->start), parser->text + token->start);
  return TRUE;
}

static gboolean
check_cell_voltage (Parser      *parser,
                    gsize        at,
                    const char  *what,
                    double       v,
                    GError     **error)
{
  if (v > PS_PROTOCOL_MAX_CELL_VOLTAGE_V)
    return fail_at (parser, at, error, PS_ENGINE_ERROR_INVALID,
                    "%s of %g V is not a cell voltage (voltages in a protocol are "
                    "per cell; write \"V pack\" for the pack), expected at most %g V",
                    what, v, PS_PROTOCOL_MAX_CELL_VOLTAGE_V);
  return TRUE;
}

static gboolean
check_temperature (Parser      *parser,
                   gsize        at,
                   double       k,
                   GError     **error)
{
  double c = k - ZERO_C_IN_K;

  if (!(c >= PS_PROTOCOL_MIN_TEMP_C && c <= PS_PROTOCOL_MAX_TEMP_C))
    return fail_at (parser, at, error, PS_ENGINE_ERROR_INVALID,
                    "a temperature of %g °C is out of range, expected %g to %g °C",
                    c, PS_PROTOCOL_MIN_TEMP_C, PS_PROTOCOL_MAX_TEMP_C);
  return TRUE;
}

/* a temperature unit word: °C, oC, degC, C (when allowed), K */
static gboolean
temperature_unit (Parser      *parser,
                  const Token *token,
                  gboolean     bare_c,
                  gboolean    *kelvin)
{
  *kelvin = is_word (parser, token, "k");
  return *kelvin || is_word (parser, token, "°c") || is_word (parser, token, "oc")
         || is_word (parser, token, "degc") || is_word (parser, token, "celsius")
         || (bare_c && is_word (parser, token, "c"));
}

/* ------------------------------------------------------ end conditions */

#define CONDITION_UNITS "V, V pack, A, mA, C/<n>, %% SOC, °C or K"

static gboolean
read_condition (Parser          *parser,
                PsProtocolStep  *step,
                const Token     *until_token,
                GError         **error)
{
  PsStepUntil until = { PS_UNTIL_VOLTAGE, PS_UNTIL_AUTO, PS_STEP_UNIT_NONE, 0.0 };
  const Token *token, *number;
  g_autofree char *found = NULL;
  g_autofree char *written = NULL;
  gboolean matched, kelvin;
  double x = 0.0;

  if (step->n_until >= PS_STEP_MAX_UNTIL)
    return fail_at (parser, until_token->start, error, PS_ENGINE_ERROR_LIMIT,
                    "more than %d end conditions, expected at most %d",
                    PS_STEP_MAX_UNTIL, PS_STEP_MAX_UNTIL);

  token = peek (parser);
  if (token->kind == TOKEN_LESS || token->kind == TOKEN_GREATER)
    {
      until.op = token->kind == TOKEN_LESS ? PS_UNTIL_BELOW : PS_UNTIL_ABOVE;
      next (parser);
    }

  if (read_c_fraction (parser, &matched, &x, error))
    {
      until.kind = PS_UNTIL_CURRENT;
      until.unit = PS_STEP_UNIT_C_RATE;
      until.value = x;
      goto done;
    }
  if (matched)
    return FALSE;

  if (!read_number (parser, "the end condition", NUMBER_SIGNED, &x, &number, error))
    return FALSE;
  written = token_string (parser, number);
  if (x < 0.0)
    written = (g_free (written), g_strdup_printf ("-%.*s", (int) (number->end - number->start),
                                                   parser->text + number->start));

  token = next (parser);
  found = describe (parser, token);

  if (token->kind == TOKEN_PERCENT)
    {
      const Token *soc = next (parser);

      if (!is_word (parser, soc, "soc"))
        {
          g_autofree char *what = describe (parser, soc);
          return fail_at (parser, soc->start, error, PS_ENGINE_ERROR_PARSE,
                          "expected \"SOC\" after \"%s%%\", found %s", written, what);
        }
      if (x < 0.0 || x > 100.0)
        return fail_at (parser, number->start, error, PS_ENGINE_ERROR_INVALID,
                        "an SOC of %s%% is out of range, expected 0 to 100%%", written);
      until.kind = PS_UNTIL_SOC;
      until.unit = PS_STEP_UNIT_NONE;
      until.value = x / 100.0;
      goto done;
    }

  if (temperature_unit (parser, token,
                        x >= PS_PROTOCOL_C_TEMPERATURE_FROM || x < 0.0, &kelvin))
    {
      until.kind = PS_UNTIL_TEMPERATURE;
      until.unit = PS_STEP_UNIT_KELVIN;
      until.value = kelvin ? x : x + ZERO_C_IN_K;
      if (!check_temperature (parser, number->start, until.value, error))
        return FALSE;
      goto done;
    }

  if (x < 0.0)
    return fail_at (parser, number->start, error, PS_ENGINE_ERROR_INVALID,
                    "the end condition \"%s\" is negative, expected a positive number "
                    "(only a temperature may be below zero)", written);
  if (x == 0.0)
    return fail_at (parser, number->start, error, PS_ENGINE_ERROR_INVALID,
                    "the end condition \"%s\" must be greater than zero", written);

  {
    const UnitWord *u = lookup_unit (parser, token, electric_units, G_N_ELEMENTS (electric_units));

    if (u != NULL && u->unit == PS_STEP_UNIT_VOLT)
      {
        until.value = unit_apply (u, x);
        until.unit = PS_STEP_UNIT_VOLT;
        if (is_word (parser, peek (parser), "pack"))
          {
            next (parser);
            until.kind = PS_UNTIL_PACK_VOLTAGE;
          }
        else
          {
            until.kind = PS_UNTIL_VOLTAGE;
            if (!check_cell_voltage (parser, number->start, "the end voltage", until.value, error))
              return FALSE;
          }
        goto done;
      }
    if (u != NULL && (u->unit == PS_STEP_UNIT_AMPERE || u->unit == PS_STEP_UNIT_C_RATE))
      {
        until.kind = PS_UNTIL_CURRENT;
        until.unit = u->unit;
        until.value = unit_apply (u, x);
        goto done;
      }
    if (u != NULL)
      return fail_at (parser, token->start, error, PS_ENGINE_ERROR_PARSE,
                      "%s is no end condition, expected " CONDITION_UNITS, found);
  }

  if (token->kind == TOKEN_WORD || token->kind == TOKEN_OTHER)
    return fail_at (parser, token->start, error, PS_ENGINE_ERROR_PARSE,
                    "unknown unit %s after \"%s\", expected " CONDITION_UNITS,
                    found, written);
  return fail_at (parser, number->end, error, PS_ENGINE_ERROR_PARSE,
                  "expected a unit (" CONDITION_UNITS ") after \"%s\"", written);

done:
  if (!isfinite (until.value))
    return fail_at (parser, until_token->start, error, PS_ENGINE_ERROR_INVALID,
                    "the end condition is not a finite number");
  step->until[step->n_until++] = until;
  return TRUE;
}

/* [for <d>] [or until <cond>]... [(<d> period)] up to the end of the step */
static gboolean
read_tail (Parser          *parser,
           PsProtocolStep  *step,
           GError         **error)
{
  for (;;)
    {
      const Token *token = next (parser);
      g_autofree char *found = NULL;

      if (token->kind == TOKEN_END)
        return TRUE;

      if (is_word (parser, token, "for"))
        {
          if (isfinite (step->duration_s))
            return fail_at (parser, token->start, error, PS_ENGINE_ERROR_PARSE,
                            "\"for\" is given twice, expected it at most once");
          if (!read_duration (parser, &step->duration_s, error))
            return FALSE;
          continue;
        }
      if (is_word (parser, token, "or"))
        {
          if (!expect_word (parser, "until", "or", error))
            return FALSE;
          if (!read_condition (parser, step, token, error))
            return FALSE;
          continue;
        }
      if (is_word (parser, token, "until"))
        {
          if (!read_condition (parser, step, token, error))
            return FALSE;
          continue;
        }
      if (token->kind == TOKEN_OPEN)
        {
          const Token *word, *close;

          if (!isnan (step->period_s))
            return fail_at (parser, token->start, error, PS_ENGINE_ERROR_PARSE,
                            "the period is given twice, expected it at most once");
          if (!read_duration (parser, &step->period_s, error))
            return FALSE;
          word = next (parser);
          if (!is_word (parser, word, "period"))
            {
              found = describe (parser, word);
              return fail_at (parser, word->start, error, PS_ENGINE_ERROR_PARSE,
                              "expected \"period)\" after the duration, found %s", found);
            }
          close = next (parser);
          if (close->kind != TOKEN_CLOSE)
            {
              found = describe (parser, close);
              return fail_at (parser, close->start, error, PS_ENGINE_ERROR_PARSE,
                              "expected \")\" after \"period\", found %s", found);
            }
          continue;
        }
      if (is_word (parser, token, "at"))
        return fail_at (parser, token->start, error, PS_ENGINE_ERROR_PARSE,
                        "unexpected \"at\": a step's temperature is set by a "
                        "\"Set ambient to <t> C\" step before it");

      found = describe (parser, token);
      return fail_at (parser, token->start, error, PS_ENGINE_ERROR_PARSE,
                      "unexpected %s, expected \"for <duration>\", \"or until <condition>\" "
                      "or the end of the step", found);
    }
}

/* ------------------------------------------------------------------ steps */

/* Discharge|Charge at <x> <unit> ... */
static gboolean
parse_load_step (Parser          *parser,
                 PsProtocolStep  *step,
                 const char      *verb,
                 GError         **error)
{
  gsize unit_at = 0;

  if (!expect_word (parser, "at", verb, error))
    return FALSE;
  if (!read_electric (parser, &step->unit, &step->value, &unit_at, error))
    return FALSE;

  if (step->unit == PS_STEP_UNIT_VOLT)
    return fail_at (parser, unit_at, error, PS_ENGINE_ERROR_INVALID,
                    "a voltage is held, not %s at: expected A, mA, C, W, kW%s "
                    "(\"Hold at <x> V\" holds a voltage)",
                    step->kind == PS_STEP_CHARGE ? "charged" : "discharged",
                    step->kind == PS_STEP_CHARGE ? "" : " or Ohm");
  if (step->unit == PS_STEP_UNIT_OHM && step->kind == PS_STEP_CHARGE)
    return fail_at (parser, unit_at, error, PS_ENGINE_ERROR_INVALID,
                    "a resistor can only discharge the pack, expected A, mA, C, W or kW");

  return read_tail (parser, step, error);
}

static gboolean
need_an_end (Parser          *parser,
             PsProtocolStep  *step,
             const char      *what,
             GError         **error)
{
  if (isfinite (step->duration_s) || step->n_until > 0)
    return TRUE;
  return fail_at (parser, parser->text_len, error, PS_ENGINE_ERROR_PARSE,
                  "expected \"for <duration>\" or \"until <condition>\" after %s", what);
}

/* Hold at <x> V [for <d>] [or until <cond>]... */
static gboolean
parse_hold_step (Parser          *parser,
                 PsProtocolStep  *step,
                 GError         **error)
{
  gsize unit_at = 0;
  const Token *number = peek (parser);

  if (!expect_word (parser, "at", "Hold", error))
    return FALSE;
  number = peek (parser);
  if (!read_electric (parser, &step->unit, &step->value, &unit_at, error))
    return FALSE;
  if (step->unit != PS_STEP_UNIT_VOLT)
    return fail_at (parser, unit_at, error, PS_ENGINE_ERROR_INVALID,
                    "a hold is at a voltage, expected V or mV");
  if (!check_cell_voltage (parser, number->start, "the hold voltage", step->value, error))
    return FALSE;
  if (!read_tail (parser, step, error))
    return FALSE;
  return need_an_end (parser, step, "the hold voltage", error);
}

/* Rest for <d> | Rest until <cond> ... */
static gboolean
parse_rest_step (Parser          *parser,
                 PsProtocolStep  *step,
                 GError         **error)
{
  const Token *token = peek (parser);

  step->unit = PS_STEP_UNIT_NONE;
  if (!is_word (parser, token, "for") && !is_word (parser, token, "until"))
    {
      g_autofree char *found = describe (parser, token);
      return fail_at (parser, token->start, error, PS_ENGINE_ERROR_PARSE,
                      "expected \"for <duration>\" or \"until <condition>\" after \"Rest\", "
                      "found %s", found);
    }
  return read_tail (parser, step, error);
}

/* A name or file after Drive/Run: one quoted string or a run of text up to
 * the next space. */
static gboolean
read_source (Parser          *parser,
             PsProtocolStep  *step,
             const char      *verb,
             const char      *expected,
             GError         **error)
{
  const Token *token = peek (parser);
  g_autofree char *name = NULL;

  if (token->kind == TOKEN_END)
    return fail_at (parser, token->start, error, PS_ENGINE_ERROR_PARSE,
                    "expected %s after \"%s\"", expected, verb);

  if (token->kind == TOKEN_QUOTED)
    {
      next (parser);
      name = g_strndup (parser->text + token->start + 1, token->end - token->start - 2);
      if (*g_strstrip (name) == '\0')
        return fail_at (parser, token->start, error, PS_ENGINE_ERROR_PARSE,
                        "the name in quotes is empty, expected %s", expected);
    }
  else
    {
      gsize end = token->start;

      while (parser->text[end] != '\0' && !g_ascii_isspace (parser->text[end]))
        end++;
      name = g_strndup (parser->text + token->start, end - token->start);
      if (strchr (name, '"') != NULL)
        return fail_at (parser, token->start, error, PS_ENGINE_ERROR_PARSE,
                        "a '\"' inside the name %s, expected a name in quotes "
                        "or without any", name);
      while (peek (parser)->kind != TOKEN_END && peek (parser)->start < end)
        next (parser);
    }

  step->source = g_ref_string_new (name);
  return TRUE;
}

/* Drive <cycle>|<file> [x N] ... */
static gboolean
parse_drive_step (Parser          *parser,
                  PsProtocolStep  *step,
                  GError         **error)
{
  if (!read_source (parser, step, "Drive",
                    "a drive cycle (such as UDDS) or a speed trace file", error))
    return FALSE;

  if (is_word (parser, peek (parser), "x") || peek (parser)->kind == TOKEN_OTHER)
    {
      const Token *x = peek (parser);
      const Token *number;
      double n = 0.0;

      if (x->kind == TOKEN_OTHER && strncmp (parser->text + x->start, "×", x->end - x->start) != 0
          && parser->text[x->start] != '*')
        return read_tail (parser, step, error);
      next (parser);
      if (!read_number (parser, "the number of times", NUMBER_POSITIVE, &n, &number, error))
        return FALSE;
      if (n != floor (n) || n > PS_PROTOCOL_MAX_DRIVE_REPEAT)
        return fail_at (parser, number->start, error, PS_ENGINE_ERROR_INVALID,
                        "the number of times \"%.*s\" is not a whole number from 1 to %d",
                        (int) (number->end - number->start), parser->text + number->start,
                        PS_PROTOCOL_MAX_DRIVE_REPEAT);
      step->repeat = (guint) n;
    }
  return read_tail (parser, step, error);
}

/* Fast charge at <x> W|kW ... */
static gboolean
parse_fast_charge_step (Parser          *parser,
                        PsProtocolStep  *step,
                        GError         **error)
{
  gsize unit_at = 0;

  if (!expect_word (parser, "at", "Fast charge", error))
    return FALSE;
  if (!read_electric (parser, &step->unit, &step->value, &unit_at, error))
    return FALSE;
  if (step->unit != PS_STEP_UNIT_WATT)
    return fail_at (parser, unit_at, error, PS_ENGINE_ERROR_INVALID,
                    "a fast charge is at a power, expected W or kW");
  return read_tail (parser, step, error);
}

static gboolean
expect_end (Parser   *parser,
            GError  **error)
{
  const Token *token = next (parser);
  g_autofree char *found = NULL;

  if (token->kind == TOKEN_END)
    return TRUE;
  found = describe (parser, token);
  return fail_at (parser, token->start, error, PS_ENGINE_ERROR_PARSE,
                  "unexpected %s, expected the end of the step (it takes no time)", found);
}

/* Set ambient to <t> C|K ; Set cooling on|off */
static gboolean
parse_set_step (Parser          *parser,
                PsProtocolStep  *step,
                GError         **error)
{
  const Token *what = next (parser);
  g_autofree char *found = NULL;

  if (is_word (parser, what, "ambient"))
    {
      const Token *number, *unit;
      gboolean kelvin;
      double t = 0.0;

      step->kind = PS_STEP_SET_AMBIENT;
      if (is_word (parser, peek (parser), "to") || is_word (parser, peek (parser), "at"))
        next (parser);
      if (!read_number (parser, "the ambient temperature", NUMBER_SIGNED, &t, &number, error))
        return FALSE;
      unit = next (parser);
      if (!temperature_unit (parser, unit, TRUE, &kelvin))
        {
          g_autofree char *written = token_string (parser, number);
          found = describe (parser, unit);
          return fail_at (parser, unit->start, error, PS_ENGINE_ERROR_PARSE,
                          "expected a temperature unit (C, °C or K) after \"%s\", found %s",
                          written, found);
        }
      step->unit = PS_STEP_UNIT_KELVIN;
      step->value = kelvin ? t : t + ZERO_C_IN_K;
      if (!check_temperature (parser, number->start, step->value, error))
        return FALSE;
      return expect_end (parser, error);
    }

  if (is_word (parser, what, "cooling"))
    {
      const Token *state;

      step->kind = PS_STEP_SET_COOLING;
      step->unit = PS_STEP_UNIT_NONE;
      if (is_word (parser, peek (parser), "to"))
        next (parser);
      state = next (parser);
      if (is_word (parser, state, "on"))
        step->value = 1.0;
      else if (is_word (parser, state, "off"))
        step->value = 0.0;
      else
        {
          found = describe (parser, state);
          return fail_at (parser, state->start, error, PS_ENGINE_ERROR_PARSE,
                          "expected \"on\" or \"off\" after \"Set cooling\", found %s", found);
        }
      return expect_end (parser, error);
    }

  found = describe (parser, what);
  return fail_at (parser, what->start, error, PS_ENGINE_ERROR_PARSE,
                  "expected \"ambient\" or \"cooling\" after \"Set\", found %s", found);
}

static void
step_init (PsProtocolStep *step)
{
  memset (step, 0, sizeof *step);
  step->unit = PS_STEP_UNIT_NONE;
  step->duration_s = INFINITY;
  step->period_s = NAN;
  step->repeat = 1;
}

static gboolean
parse_step (Parser          *parser,
            PsProtocolStep  *step,
            GError         **error)
{
  const Token *verb;
  g_autofree char *found = NULL;

  step_init (step);
  if (!tokenize (parser, error))
    return FALSE;

  verb = next (parser);
  if (is_word (parser, verb, "discharge"))
    {
      step->kind = PS_STEP_DISCHARGE;
      return parse_load_step (parser, step, "Discharge", error);
    }
  if (is_word (parser, verb, "charge"))
    {
      step->kind = PS_STEP_CHARGE;
      return parse_load_step (parser, step, "Charge", error);
    }
  if (is_word (parser, verb, "hold"))
    {
      step->kind = PS_STEP_HOLD;
      return parse_hold_step (parser, step, error);
    }
  if (is_word (parser, verb, "rest"))
    {
      step->kind = PS_STEP_REST;
      return parse_rest_step (parser, step, error);
    }
  if (is_word (parser, verb, "drive"))
    {
      step->kind = PS_STEP_DRIVE;
      return parse_drive_step (parser, step, error);
    }
  if (is_word (parser, verb, "fast"))
    {
      step->kind = PS_STEP_FAST_CHARGE;
      if (!expect_word (parser, "charge", "Fast", error))
        return FALSE;
      return parse_fast_charge_step (parser, step, error);
    }
  if (is_word (parser, verb, "set"))
    return parse_set_step (parser, step, error);
  if (is_word (parser, verb, "run"))
    {
      step->kind = PS_STEP_RUN_PROFILE;
      if (!read_source (parser, step, "Run", "a profile file (time and current or power)",
                        error))
        return FALSE;
      return read_tail (parser, step, error);
    }

  found = describe (parser, verb);
  return fail_at (parser, verb->start, error, PS_ENGINE_ERROR_PARSE,
                  "unknown instruction %s, expected Discharge, Charge, Hold, Rest, Drive, "
                  "Fast charge, Set or Run", found);
}

/* -------------------------------------------------------------- structure */

typedef struct
{
  const char *text;
  GArray     *written;     /* of PsProtocolStep, as written */
  GArray     *items;       /* of PsProtocolItem; STEP's step indexes written */
  gsize       error_offset;
} Reader;

static void
line_and_column (const char *text,
                 gsize       offset,
                 guint      *line,
                 glong      *column)
{
  const char *line_start = text;

  *line = 1;
  for (const char *p = text; p < text + offset; p++)
    if (*p == '\n')
      {
        (*line)++;
        line_start = p + 1;
      }
  *column = g_utf8_strlen (line_start, text + offset - line_start) + 1;
}

G_GNUC_PRINTF (5, 6)
static gboolean
fail_text (Reader      *reader,
           gsize        offset,
           GError     **error,
           int          code,
           const char  *format,
           ...)
{
  g_autofree char *what = NULL;
  va_list args;
  guint line;
  glong column;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  line_and_column (reader->text, offset, &line, &column);
  reader->error_offset = offset;
  g_set_error (error, PS_ENGINE_ERROR, code, "line %u, column %ld: %s", line, column, what);
  return FALSE;
}

static gboolean
is_separator (char c)
{
  return c == ';' || c == ',' || c == '\n' || c == '\r';
}

static gboolean
read_one_step (Reader      *reader,
               const char **pp,
               GError     **error)
{
  const char *start = *pp;
  const char *p = start;
  const char *end;
  gboolean quoted = FALSE;
  int parens = 0;
  g_autofree char *text = NULL;
  PsProtocolStep step;
  PsProtocolItem item = { PS_PROTOCOL_ITEM_STEP, 0, 1 };

  while (*p != '\0')
    {
      if (quoted)
        quoted = *p != '"';
      else if (*p == '"')
        quoted = TRUE;
      else if (*p == '(')
        parens++;
      else if (*p == ')')
        {
          if (parens == 0)
            break;
          parens--;
        }
      else if (is_separator (*p))
        break;
      p++;
    }
  *pp = p;

  end = p;
  while (end > start && g_ascii_isspace (end[-1]))
    end--;
  text = g_strndup (start, end - start);

  if (reader->written->len >= PS_MAX_PROTOCOL_STEPS)
    return fail_text (reader, start - reader->text, error, PS_ENGINE_ERROR_LIMIT,
                      "protocol: more than %d steps, expected at most %d",
                      PS_MAX_PROTOCOL_STEPS, PS_MAX_PROTOCOL_STEPS);

  {
    Parser parser = { reader->written->len + 1, text, strlen (text),
                      g_array_new (FALSE, FALSE, sizeof (Token)), 0, 0 };
    gboolean ok = parse_step (&parser, &step, error);

    g_array_unref (parser.tokens);
    if (!ok)
      {
        reader->error_offset = (start - reader->text) + parser.error_at;
        if (step.source != NULL)
          g_ref_string_release (step.source);
        return FALSE;
      }
  }

  step.text = g_ref_string_new (text);
  step.written = reader->written->len;
  item.step = reader->written->len;
  g_array_append_val (reader->written, step);
  g_array_append_val (reader->items, item);
  return TRUE;
}

static gboolean
read_list (Reader      *reader,
           const char **pp,
           guint        depth,
           GError     **error);

/* ") [x N]" after a cycle's steps, *pp at the ')' */
static gboolean
read_repeat (Reader      *reader,
             const char **pp,
             guint       *repeat,
             GError     **error)
{
  const char *p = *pp + 1;
  const char *q = p;
  const char *digits;
  guint64 n = 0;

  while (*q == ' ' || *q == '\t')
    q++;
  *repeat = 1;
  if (*q == 'x' || *q == 'X' || *q == '*')
    q++;
  else if (strncmp (q, "×", strlen ("×")) == 0)
    q += strlen ("×");
  else
    {
      *pp = p;
      return TRUE;
    }

  while (*q == ' ' || *q == '\t')
    q++;
  digits = q;
  while (g_ascii_isdigit (*q))
    {
      n = MIN (n * 10 + (guint64) (*q - '0'), (guint64) G_MAXUINT);
      q++;
    }
  if (q == digits || g_ascii_isalpha (*q) || *q == '.')
    {
      const char *end = q;

      while (*end != '\0' && !g_ascii_isspace (*end) && !is_separator (*end) && *end != ')')
        end = g_utf8_next_char (end);
      return fail_text (reader, digits - reader->text, error, PS_ENGINE_ERROR_PARSE,
                        "expected the number of times the cycle runs after \"x\", found %s%.*s%s",
                        end > digits ? "\"" : "the end",
                        (int) (end - digits), digits, end > digits ? "\"" : "");
    }
  if (n < 1 || n > PS_PROTOCOL_MAX_REPEAT)
    return fail_text (reader, digits - reader->text, error, PS_ENGINE_ERROR_LIMIT,
                      "a cycle runs %.*s times, expected 1 to %d",
                      (int) (q - digits), digits, PS_PROTOCOL_MAX_REPEAT);
  *repeat = (guint) n;
  *pp = q;
  return TRUE;
}

static gboolean
read_list (Reader      *reader,
           const char **pp,
           guint        depth,
           GError     **error)
{
  const char *p = *pp;

  for (;;)
    {
      while (*p != '\0' && (g_ascii_isspace (*p) || is_separator (*p)))
        p++;

      if (*p == '\0' || *p == ')')
        break;

      if (*p == '(')
        {
          const char *open = p;
          PsProtocolItem item = { PS_PROTOCOL_ITEM_OPEN, 0, 1 };
          guint first = reader->items->len;

          if (depth >= PS_PROTOCOL_MAX_DEPTH)
            return fail_text (reader, open - reader->text, error, PS_ENGINE_ERROR_LIMIT,
                              "cycles nested more than %d deep, expected at most %d",
                              PS_PROTOCOL_MAX_DEPTH, PS_PROTOCOL_MAX_DEPTH);
          g_array_append_val (reader->items, item);
          p++;
          if (!read_list (reader, &p, depth + 1, error))
            return FALSE;
          if (*p != ')')
            return fail_text (reader, open - reader->text, error, PS_ENGINE_ERROR_PARSE,
                              "this \"(\" is not closed, expected a \")\" after the cycle's steps");
          if (reader->items->len == first + 1)
            return fail_text (reader, open - reader->text, error, PS_ENGINE_ERROR_PARSE,
                              "the cycle has no steps, expected at least one between "
                              "\"(\" and \")\"");
          item.kind = PS_PROTOCOL_ITEM_CLOSE;
          if (!read_repeat (reader, &p, &item.repeat, error))
            return FALSE;
          g_array_append_val (reader->items, item);

          while (*p == ' ' || *p == '\t')
            p++;
          if (*p != '\0' && *p != ')' && !is_separator (*p))
            {
              const char *end = g_utf8_next_char (p);
              return fail_text (reader, p - reader->text, error, PS_ENGINE_ERROR_PARSE,
                                "unexpected \"%.*s\" after a cycle, expected \";\", \",\", "
                                "a new line or \"x <times>\"", (int) (end - p), p);
            }
          continue;
        }

      if (!read_one_step (reader, &p, error))
        return FALSE;
    }

  if (*p == ')' && depth == 0)
    return fail_text (reader, p - reader->text, error, PS_ENGINE_ERROR_PARSE,
                      "unexpected \")\", no cycle \"(\" is open");
  *pp = p;
  return TRUE;
}

/* the index of the CLOSE matching the OPEN at i */
static guint
matching_close (const PsProtocolItem *items,
                guint                 i)
{
  int depth = 0;

  for (;; i++)
    {
      if (items[i].kind == PS_PROTOCOL_ITEM_OPEN)
        depth++;
      else if (items[i].kind == PS_PROTOCOL_ITEM_CLOSE && --depth == 0)
        return i;
    }
}

/* steps that items [from, to) expand to, saturating */
static guint64
count_expanded (const PsProtocolItem *items,
                guint                 from,
                guint                 to)
{
  guint64 n = 0;

  for (guint i = from; i < to; i++)
    {
      if (items[i].kind == PS_PROTOCOL_ITEM_STEP)
        n++;
      else
        {
          guint close = matching_close (items, i);

          n += MIN (count_expanded (items, i + 1, close) * items[close].repeat,
                    (guint64) G_MAXUINT32);
          i = close;
        }
      n = MIN (n, (guint64) G_MAXUINT32);
    }
  return n;
}

static void
expand (const PsProtocolItem *items,
        guint                 from,
        guint                 to,
        const GArray         *written,
        guint                 depth,
        guint                 cycle,
        guint                *n_cycles,
        guint                *first_run,
        GArray               *steps)
{
  for (guint i = from; i < to; i++)
    {
      if (items[i].kind == PS_PROTOCOL_ITEM_STEP)
        {
          PsProtocolStep step = g_array_index (written, PsProtocolStep, items[i].step);

          step.text = g_ref_string_acquire (step.text);
          if (step.source != NULL)
            step.source = g_ref_string_acquire (step.source);
          step.cycle = depth == 0 ? (*n_cycles)++ : cycle;
          if (first_run[items[i].step] == G_MAXUINT)
            first_run[items[i].step] = steps->len;
          g_array_append_val (steps, step);
        }
      else
        {
          guint close = matching_close (items, i);

          for (guint r = 0; r < items[close].repeat; r++)
            expand (items, i + 1, close, written, depth + 1,
                    depth == 0 ? (*n_cycles)++ : cycle, n_cycles, first_run, steps);
          i = close;
        }
    }
}

static void
release_steps (PsProtocolStep *steps,
               guint           n)
{
  for (guint i = 0; i < n; i++)
    {
      g_ref_string_release (steps[i].text);
      if (steps[i].source != NULL)
        g_ref_string_release (steps[i].source);
    }
}

PsProtocol *
ps_protocol_parse_full (const char  *text,
                        gsize       *error_offset,
                        GError     **error)
{
  g_autoptr(GArray) written = NULL;
  g_autoptr(GArray) items = NULL;
  g_autoptr(GArray) steps = NULL;
  g_autofree guint *first_run = NULL;
  Reader reader;
  PsProtocol *protocol;
  const char *p;
  guint64 n_expanded;
  guint n_cycles = 0;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (error_offset != NULL)
    *error_offset = 0;
  if (text == NULL)
    text = "";

  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_PARSE,
                   "protocol: the text is not valid UTF-8");
      return NULL;
    }

  written = g_array_new (FALSE, TRUE, sizeof (PsProtocolStep));
  items = g_array_new (FALSE, TRUE, sizeof (PsProtocolItem));
  reader.text = text;
  reader.written = written;
  reader.items = items;
  reader.error_offset = 0;

  p = text;
  if (!read_list (&reader, &p, 0, error))
    goto failed;

  if (written->len == 0)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "protocol: no steps, expected at least one such as "
                   "'Discharge at 1C until 3.0 V'");
      goto failed;
    }

  n_expanded = count_expanded ((PsProtocolItem *) (gpointer) items->data, 0, items->len);
  if (n_expanded > PS_PROTOCOL_MAX_EXPANDED_STEPS)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_LIMIT,
                   "protocol: its cycles run %" G_GUINT64_FORMAT " steps%s, expected at most %d",
                   n_expanded, n_expanded >= G_MAXUINT32 ? " or more" : "",
                   PS_PROTOCOL_MAX_EXPANDED_STEPS);
      goto failed;
    }

  steps = g_array_sized_new (FALSE, TRUE, sizeof (PsProtocolStep), (guint) n_expanded);
  first_run = g_new (guint, written->len);
  for (guint i = 0; i < written->len; i++)
    first_run[i] = G_MAXUINT;
  expand ((PsProtocolItem *) (gpointer) items->data, 0, items->len, written, 0, 0,
          &n_cycles, first_run, steps);
  for (guint i = 0; i < items->len; i++)
    {
      PsProtocolItem *item = &g_array_index (items, PsProtocolItem, i);

      if (item->kind == PS_PROTOCOL_ITEM_STEP)
        item->step = first_run[item->step];
    }
  release_steps ((PsProtocolStep *) (gpointer) written->data, written->len);

  protocol = g_new0 (PsProtocol, 1);
  protocol->n_steps = steps->len;
  protocol->steps = (PsProtocolStep *) (gpointer) g_array_free (g_steal_pointer (&steps), FALSE);
  protocol->n_cycles = n_cycles;
  protocol->n_items = items->len;
  protocol->items = (PsProtocolItem *) (gpointer) g_array_free (g_steal_pointer (&items), FALSE);
  return protocol;

failed:
  release_steps ((PsProtocolStep *) (gpointer) written->data, written->len);
  if (error_offset != NULL)
    *error_offset = reader.error_offset;
  return NULL;
}

PsProtocol *
ps_protocol_parse (const char  *text,
                   GError     **error)
{
  return ps_protocol_parse_full (text, NULL, error);
}

/* --------------------------------------------------------------- printing */

/* The shortest number x that reads back to value the way the parser reads
 * it: value = x * mul / div + offset (kW: mul 1000; %: div 100; °C: offset
 * 273.15). */
static void
append_number (GString *out,
               double   value,
               double   mul,
               double   div,
               double   offset)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  double x = (value - offset) * div / mul;
  /* plain digits for the numbers a protocol has, an exponent beyond */
  gboolean plain = fabs (x) >= 1e-4 && fabs (x) < 1e15;

  for (int precision = 1; precision <= 17; precision++)
    {
      char format[8];
      double back;

      g_snprintf (format, sizeof format, "%%.%dg", precision);
      g_ascii_formatd (buf, sizeof buf, format, x);
      back = g_ascii_strtod (buf, NULL) * mul / div + offset;
      if (back == value && (!plain || strchr (buf, 'e') == NULL))
        break;
    }
  g_string_append (out, buf);
}

static gboolean
exact_c_fraction (double  rate,
                  double *n)
{
  *n = nearbyint (1.0 / rate);
  return *n >= 2.0 && *n <= 1e6 && 1.0 / *n == rate;
}

static void
append_duration (GString *out,
                 double   seconds)
{
  static const struct { double scale; const char *unit; } units[] = {
    { 3600.0, "h" }, { 60.0, "min" }, { 1.0, "s" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    {
      double x = seconds / units[i].scale;

      /* the largest unit it is a whole number of (or seconds) */
      if (units[i].scale == 1.0 || (x == floor (x) && x * units[i].scale == seconds))
        {
          append_number (out, seconds, units[i].scale, 1.0, 0.0);
          g_string_append_printf (out, " %s", units[i].unit);
          return;
        }
    }
}

static void
append_value (GString    *out,
              PsStepUnit  unit,
              double      value)
{
  double n;

  switch (unit)
    {
    case PS_STEP_UNIT_AMPERE:
      append_number (out, value, 1.0, 1.0, 0.0);
      g_string_append (out, " A");
      break;
    case PS_STEP_UNIT_C_RATE:
      if (exact_c_fraction (value, &n))
        g_string_append_printf (out, "C/%.0f", n);
      else
        {
          append_number (out, value, 1.0, 1.0, 0.0);
          g_string_append (out, " C");
        }
      break;
    case PS_STEP_UNIT_WATT:
      if (value >= 1000.0)
        {
          append_number (out, value, 1000.0, 1.0, 0.0);
          g_string_append (out, " kW");
        }
      else
        {
          append_number (out, value, 1.0, 1.0, 0.0);
          g_string_append (out, " W");
        }
      break;
    case PS_STEP_UNIT_VOLT:
      append_number (out, value, 1.0, 1.0, 0.0);
      g_string_append (out, " V");
      break;
    case PS_STEP_UNIT_OHM:
      append_number (out, value, 1.0, 1.0, 0.0);
      g_string_append (out, " Ohm");
      break;
    case PS_STEP_UNIT_KELVIN:
      append_number (out, value, 1.0, 1.0, ZERO_C_IN_K);
      g_string_append (out, " °C");
      break;
    case PS_STEP_UNIT_NONE:
    default:
      break;
    }
}

static void
append_source (GString    *out,
               const char *source)
{
  gboolean plain = *source != '\0';

  for (const char *p = source; *p != '\0'; p++)
    if (g_ascii_isspace (*p) || is_separator (*p) || *p == '(' || *p == ')')
      plain = FALSE;
  if (plain)
    g_string_append (out, source);
  else
    g_string_append_printf (out, "\"%s\"", source);
}

static void
append_condition (GString           *out,
                  const PsStepUntil *until)
{
  if (until->op == PS_UNTIL_BELOW)
    g_string_append (out, "< ");
  else if (until->op == PS_UNTIL_ABOVE)
    g_string_append (out, "> ");

  switch (until->kind)
    {
    case PS_UNTIL_VOLTAGE:
    case PS_UNTIL_CURRENT:
    case PS_UNTIL_TEMPERATURE:
      append_value (out, until->unit, until->value);
      break;
    case PS_UNTIL_PACK_VOLTAGE:
      append_value (out, PS_STEP_UNIT_VOLT, until->value);
      g_string_append (out, " pack");
      break;
    case PS_UNTIL_SOC:
      append_number (out, until->value, 1.0, 100.0, 0.0);
      g_string_append (out, "% SOC");
      break;
    default:
      break;
    }
}

char *
ps_protocol_step_to_string (const PsProtocolStep *step)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (step != NULL, NULL);

  switch (step->kind)
    {
    case PS_STEP_DISCHARGE:
    case PS_STEP_CHARGE:
    case PS_STEP_HOLD:
    case PS_STEP_FAST_CHARGE:
      g_string_append_printf (out, "%s at ", ps_step_kind_to_string (step->kind));
      append_value (out, step->unit, step->value);
      break;
    case PS_STEP_REST:
      g_string_append (out, "Rest");
      break;
    case PS_STEP_DRIVE:
      g_string_append (out, "Drive ");
      append_source (out, step->source != NULL ? step->source : "");
      if (step->repeat > 1)
        g_string_append_printf (out, " x %u", step->repeat);
      break;
    case PS_STEP_RUN_PROFILE:
      g_string_append (out, "Run ");
      append_source (out, step->source != NULL ? step->source : "");
      break;
    case PS_STEP_SET_AMBIENT:
      g_string_append (out, "Set ambient to ");
      append_value (out, PS_STEP_UNIT_KELVIN, step->value);
      return g_string_free (out, FALSE);
    case PS_STEP_SET_COOLING:
      g_string_append_printf (out, "Set cooling %s", step->value != 0.0 ? "on" : "off");
      return g_string_free (out, FALSE);
    default:
      break;
    }

  if (isfinite (step->duration_s))
    {
      g_string_append (out, " for ");
      append_duration (out, step->duration_s);
    }
  for (guint i = 0; i < step->n_until; i++)
    {
      g_string_append (out, i == 0 && !isfinite (step->duration_s) ? " until " : " or until ");
      append_condition (out, &step->until[i]);
    }
  if (!isnan (step->period_s))
    {
      g_string_append (out, " (");
      append_duration (out, step->period_s);
      g_string_append (out, " period)");
    }
  return g_string_free (out, FALSE);
}

char *
ps_protocol_to_string (const PsProtocol *protocol)
{
  GString *out = g_string_new (NULL);
  gboolean separate = FALSE;
  guint depth = 0;

  g_return_val_if_fail (protocol != NULL, NULL);

  for (guint i = 0; i < protocol->n_items; i++)
    {
      const PsProtocolItem *item = &protocol->items[i];

      if (item->kind == PS_PROTOCOL_ITEM_CLOSE)
        {
          g_string_append_printf (out, ") x %u", item->repeat);
          depth--;
          separate = TRUE;
          continue;
        }
      if (separate)
        g_string_append (out, depth == 0 ? "\n" : "; ");
      if (item->kind == PS_PROTOCOL_ITEM_OPEN)
        {
          g_string_append_c (out, '(');
          depth++;
          separate = FALSE;
        }
      else
        {
          g_autofree char *step = ps_protocol_step_to_string (&protocol->steps[item->step]);

          g_string_append (out, step);
          separate = TRUE;
        }
    }
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------- lifecycle */

PsProtocol *
ps_protocol_copy (const PsProtocol *protocol)
{
  PsProtocol *copy;

  g_return_val_if_fail (protocol != NULL, NULL);

  copy = g_new0 (PsProtocol, 1);
  copy->n_steps = protocol->n_steps;
  copy->steps = g_new (PsProtocolStep, MAX (protocol->n_steps, 1));
  for (guint i = 0; i < protocol->n_steps; i++)
    {
      copy->steps[i] = protocol->steps[i];
      copy->steps[i].text = g_ref_string_acquire (protocol->steps[i].text);
      if (protocol->steps[i].source != NULL)
        copy->steps[i].source = g_ref_string_acquire (protocol->steps[i].source);
    }
  copy->n_cycles = protocol->n_cycles;
  copy->n_items = protocol->n_items;
  copy->items = g_memdup2 (protocol->items, MAX (protocol->n_items, 1) * sizeof (PsProtocolItem));
  return copy;
}

void
ps_protocol_free (PsProtocol *protocol)
{
  if (protocol == NULL)
    return;

  release_steps (protocol->steps, protocol->n_steps);
  g_free (protocol->steps);
  g_free (protocol->items);
  g_free (protocol);
}

const char *
ps_step_kind_to_string (PsStepKind kind)
{
  switch (kind)
    {
    case PS_STEP_DISCHARGE:   return "Discharge";
    case PS_STEP_CHARGE:      return "Charge";
    case PS_STEP_HOLD:        return "Hold";
    case PS_STEP_REST:        return "Rest";
    case PS_STEP_DRIVE:       return "Drive";
    case PS_STEP_FAST_CHARGE: return "Fast charge";
    case PS_STEP_SET_AMBIENT: return "Set ambient";
    case PS_STEP_SET_COOLING: return "Set cooling";
    case PS_STEP_RUN_PROFILE: return "Run";
    default:                  return "unknown";
    }
}

gboolean
ps_step_kind_is_instant (PsStepKind kind)
{
  return kind == PS_STEP_SET_AMBIENT || kind == PS_STEP_SET_COOLING;
}
