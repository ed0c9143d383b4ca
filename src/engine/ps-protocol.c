/* ps-protocol.c: the experiment language (a PyBaMM-compatible subset)
 *
 * A protocol is a list of steps separated by ';' or newlines. Each step is
 * split into tokens (words, numbers, '/'), with no need for a space between a
 * number and its unit, and parsed by a small recursive-descent reader. Every
 * error names the step (1-based), its text as written, and what was expected.
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

typedef enum
{
  TOKEN_WORD,
  TOKEN_NUMBER,
  TOKEN_SLASH,
  TOKEN_MINUS,
  TOKEN_OTHER,
  TOKEN_END,
} TokenKind;

typedef struct
{
  TokenKind  kind;
  char      *text;     /* as written */
  double     number;
} Token;

typedef struct
{
  guint        step_no;
  const char  *step_text;
  GPtrArray   *tokens;  /* of Token* */
  guint        pos;
} Parser;

static void
token_free (gpointer data)
{
  Token *token = data;

  g_free (token->text);
  g_free (token);
}

static void
push_token (GPtrArray  *tokens,
            TokenKind   kind,
            const char *start,
            gsize       len)
{
  Token *token = g_new0 (Token, 1);

  token->kind = kind;
  token->text = g_strndup (start, len);
  if (kind == TOKEN_NUMBER)
    token->number = g_ascii_strtod (token->text, NULL);
  g_ptr_array_add (tokens, token);
}

static GPtrArray *
tokenize (const char *s)
{
  GPtrArray *tokens = g_ptr_array_new_with_free_func (token_free);
  const char *p = s;

  while (*p != '\0')
    {
      const char *start = p;

      if (g_ascii_isspace (*p))
        {
          p++;
          continue;
        }

      if (g_ascii_isdigit (*p) || (*p == '.' && g_ascii_isdigit (p[1])))
        {
          while (g_ascii_isdigit (*p))
            p++;
          if (*p == '.')
            {
              p++;
              while (g_ascii_isdigit (*p))
                p++;
            }
          /* an exponent only when digits follow, so "1e" is not eaten */
          if ((*p == 'e' || *p == 'E')
              && (g_ascii_isdigit (p[1])
                  || ((p[1] == '+' || p[1] == '-') && g_ascii_isdigit (p[2]))))
            {
              p += 2;
              while (g_ascii_isdigit (*p))
                p++;
            }
          push_token (tokens, TOKEN_NUMBER, start, p - start);
        }
      else if (g_ascii_isalpha (*p))
        {
          while (g_ascii_isalpha (*p))
            p++;
          push_token (tokens, TOKEN_WORD, start, p - start);
        }
      else if (*p == '/')
        {
          p++;
          push_token (tokens, TOKEN_SLASH, start, 1);
        }
      else if (*p == '-')
        {
          p++;
          push_token (tokens, TOKEN_MINUS, start, 1);
        }
      else
        {
          /* one whole UTF-8 character, so the message shows it intact */
          p = g_utf8_next_char (p);
          push_token (tokens, TOKEN_OTHER, start, p - start);
        }
    }

  return tokens;
}

static const Token end_token = { TOKEN_END, (char *) "end of step", 0.0 };

static const Token *
peek (Parser *parser)
{
  if (parser->pos < parser->tokens->len)
    return g_ptr_array_index (parser->tokens, parser->pos);
  return &end_token;
}

static const Token *
next (Parser *parser)
{
  const Token *token = peek (parser);

  if (parser->pos < parser->tokens->len)
    parser->pos++;
  return token;
}

static gboolean
is_word (const Token *token,
         const char  *word)
{
  return token->kind == TOKEN_WORD && g_ascii_strcasecmp (token->text, word) == 0;
}

static char *
describe (const Token *token)
{
  if (token->kind == TOKEN_END)
    return g_strdup ("the end of the step");
  return g_strdup_printf ("'%s'", token->text);
}

G_GNUC_PRINTF (4, 5)
static gboolean
fail (Parser      *parser,
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

  g_set_error (error, PS_ENGINE_ERROR, code, "step %u '%s': %s",
               parser->step_no, parser->step_text, what);
  return FALSE;
}

static gboolean
expect_word (Parser      *parser,
             const char  *word,
             GError     **error)
{
  const Token *token = next (parser);
  g_autofree char *found = NULL;

  if (is_word (token, word))
    return TRUE;

  found = describe (token);
  return fail (parser, error, PS_ENGINE_ERROR_PARSE,
               "expected '%s', found %s", word, found);
}

/* A positive, finite number; `what` names it in messages. */
static gboolean
read_number (Parser      *parser,
             const char  *what,
             double      *out,
             GError     **error)
{
  const Token *token = next (parser);
  g_autofree char *found = NULL;

  if (token->kind == TOKEN_MINUS)
    {
      const Token *number = peek (parser);

      if (number->kind == TOKEN_NUMBER)
        return fail (parser, error, PS_ENGINE_ERROR_INVALID,
                     "%s '-%s' is negative, expected a positive number "
                     "(the step's verb gives the direction)", what, number->text);
    }

  if (token->kind != TOKEN_NUMBER)
    {
      found = describe (token);
      return fail (parser, error, PS_ENGINE_ERROR_PARSE,
                   "expected a number for %s, found %s", what, found);
    }

  if (!isfinite (token->number))
    return fail (parser, error, PS_ENGINE_ERROR_INVALID,
                 "%s '%s' is not a finite number", what, token->text);
  if (token->number <= 0.0)
    return fail (parser, error, PS_ENGINE_ERROR_INVALID,
                 "%s '%s' must be greater than zero", what, token->text);

  *out = token->number;
  return TRUE;
}

/* "C/<n>" after the 'C' has been seen; returns the C-rate 1/n */
static gboolean
read_c_fraction (Parser      *parser,
                 double      *out,
                 GError     **error)
{
  double n = 0.0;

  next (parser); /* '/' */
  if (!read_number (parser, "the C-rate divisor", &n, error))
    return FALSE;
  *out = 1.0 / n;
  if (!(*out > 0.0) || !isfinite (*out))
    return fail (parser, error, PS_ENGINE_ERROR_INVALID,
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
    { "min", 60.0 }, { "mins", 60.0 }, { "minute", 60.0 }, { "minutes", 60.0 },
    { "h", 3600.0 }, { "hr", 3600.0 }, { "hrs", 3600.0 }, { "hour", 3600.0 }, { "hours", 3600.0 },
  };
  const Token *token;
  g_autofree char *found = NULL;
  double value = 0.0;

  if (!read_number (parser, "the duration", &value, error))
    return FALSE;

  token = next (parser);
  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    {
      if (is_word (token, units[i].word))
        {
          *out_s = value * units[i].scale;
          if (*out_s > PS_PROTOCOL_MAX_DURATION_S)
            return fail (parser, error, PS_ENGINE_ERROR_LIMIT,
                         "duration of %g s is too long, expected at most %g s",
                         *out_s, PS_PROTOCOL_MAX_DURATION_S);
          return TRUE;
        }
    }

  found = describe (token);
  if (token->kind == TOKEN_WORD)
    return fail (parser, error, PS_ENGINE_ERROR_PARSE,
                 "unknown time unit %s, expected s, min or h (seconds, minutes, hours)",
                 found);
  return fail (parser, error, PS_ENGINE_ERROR_PARSE,
               "expected a time unit (s, min or h) after the duration, found %s", found);
}

static gboolean
read_cell_voltage (Parser      *parser,
                   const char  *what,
                   double      *out,
                   GError     **error)
{
  const Token *token;
  g_autofree char *found = NULL;

  if (!read_number (parser, what, out, error))
    return FALSE;

  token = next (parser);
  if (!is_word (token, "v"))
    {
      found = describe (token);
      if (token->kind == TOKEN_WORD)
        return fail (parser, error, PS_ENGINE_ERROR_PARSE,
                     "unknown unit %s for %s, expected V", found, what);
      return fail (parser, error, PS_ENGINE_ERROR_PARSE,
                   "expected the unit V after %s, found %s", what, found);
    }

  if (*out > PS_PROTOCOL_MAX_CELL_VOLTAGE_V)
    return fail (parser, error, PS_ENGINE_ERROR_INVALID,
                 "%s of %g V is not a cell voltage (voltages in a protocol are "
                 "per cell), expected at most %g V",
                 what, *out, PS_PROTOCOL_MAX_CELL_VOLTAGE_V);
  return TRUE;
}

static gboolean
parse_until_voltage (Parser          *parser,
                     PsProtocolStep  *step,
                     GError         **error)
{
  PsStepUntil *until;

  if (step->n_until > 0)
    return fail (parser, error, PS_ENGINE_ERROR_PARSE,
                 "'until' is given twice, expected it at most once");
  until = &step->until[step->n_until++];
  until->kind = PS_UNTIL_VOLTAGE;
  until->op = PS_UNTIL_AUTO;
  until->unit = PS_STEP_UNIT_VOLT;
  return read_cell_voltage (parser, "the end voltage", &until->value, error);
}

/* Discharge|Charge at <x> <A|C|W|kW> [for <duration>] [or until <x> V] */
static gboolean
parse_load_step (Parser          *parser,
                 PsProtocolStep  *step,
                 GError         **error)
{
  const Token *token;

  if (!expect_word (parser, "at", error))
    return FALSE;

  token = peek (parser);
  if (is_word (token, "c") && parser->pos + 1 < parser->tokens->len
      && ((Token *) g_ptr_array_index (parser->tokens, parser->pos + 1))->kind == TOKEN_SLASH)
    {
      next (parser);
      step->unit = PS_STEP_UNIT_C_RATE;
      if (!read_c_fraction (parser, &step->value, error))
        return FALSE;
    }
  else
    {
      g_autofree char *found = NULL;

      if (!read_number (parser, "the rate", &step->value, error))
        return FALSE;

      token = next (parser);
      if (is_word (token, "a"))
        step->unit = PS_STEP_UNIT_AMPERE;
      else if (is_word (token, "c"))
        step->unit = PS_STEP_UNIT_C_RATE;
      else if (is_word (token, "w"))
        step->unit = PS_STEP_UNIT_WATT;
      else if (is_word (token, "kw"))
        {
          step->unit = PS_STEP_UNIT_WATT;
          step->value *= 1000.0;
        }
      else if (token->kind == TOKEN_WORD || token->kind == TOKEN_OTHER)
        {
          found = describe (token);
          return fail (parser, error, PS_ENGINE_ERROR_PARSE,
                       "unknown unit %s, expected A, C, W or kW", found);
        }
      else
        {
          found = describe (token);
          return fail (parser, error, PS_ENGINE_ERROR_PARSE,
                       "expected a unit (A, C, W or kW) after the rate, found %s",
                       found);
        }
      if (!isfinite (step->value))
        return fail (parser, error, PS_ENGINE_ERROR_INVALID,
                     "the rate is not a finite number");
    }

  for (;;)
    {
      g_autofree char *found = NULL;

      token = next (parser);
      if (token->kind == TOKEN_END)
        return TRUE;

      if (is_word (token, "for"))
        {
          if (isfinite (step->duration_s))
            return fail (parser, error, PS_ENGINE_ERROR_PARSE,
                         "'for' is given twice, expected it at most once");
          if (!read_duration (parser, &step->duration_s, error))
            return FALSE;
          continue;
        }
      if (is_word (token, "or"))
        {
          if (!expect_word (parser, "until", error))
            return FALSE;
          if (!parse_until_voltage (parser, step, error))
            return FALSE;
          continue;
        }
      if (is_word (token, "until"))
        {
          if (!parse_until_voltage (parser, step, error))
            return FALSE;
          continue;
        }

      found = describe (token);
      return fail (parser, error, PS_ENGINE_ERROR_PARSE,
                   "unexpected %s, expected 'for <duration>', 'or until <x> V' "
                   "or the end of the step", found);
    }
}

/* Hold at <x> V until <x> A | C/<n> | <x>C */
static gboolean
parse_hold_step (Parser          *parser,
                 PsProtocolStep  *step,
                 GError         **error)
{
  const Token *token;
  PsStepUntil *until;
  g_autofree char *found = NULL;

  if (!expect_word (parser, "at", error))
    return FALSE;
  step->unit = PS_STEP_UNIT_VOLT;
  if (!read_cell_voltage (parser, "the hold voltage", &step->value, error))
    return FALSE;

  token = next (parser);
  if (is_word (token, "or"))
    token = next (parser);
  if (!is_word (token, "until"))
    {
      found = describe (token);
      return fail (parser, error, PS_ENGINE_ERROR_PARSE,
                   "expected 'until <x> A' or 'until C/<n>' after the hold voltage, "
                   "found %s", found);
    }

  until = &step->until[step->n_until++];
  until->kind = PS_UNTIL_CURRENT;
  until->op = PS_UNTIL_AUTO;
  token = peek (parser);
  if (is_word (token, "c") && parser->pos + 1 < parser->tokens->len
      && ((Token *) g_ptr_array_index (parser->tokens, parser->pos + 1))->kind == TOKEN_SLASH)
    {
      next (parser);
      until->unit = PS_STEP_UNIT_C_RATE;
      if (!read_c_fraction (parser, &until->value, error))
        return FALSE;
    }
  else
    {
      if (!read_number (parser, "the end current", &until->value, error))
        return FALSE;
      token = next (parser);
      if (is_word (token, "a"))
        until->unit = PS_STEP_UNIT_AMPERE;
      else if (is_word (token, "c"))
        until->unit = PS_STEP_UNIT_C_RATE;
      else
        {
          found = describe (token);
          if (token->kind == TOKEN_WORD || token->kind == TOKEN_OTHER)
            return fail (parser, error, PS_ENGINE_ERROR_PARSE,
                         "unknown unit %s for the end current, expected A or C", found);
          return fail (parser, error, PS_ENGINE_ERROR_PARSE,
                       "expected a unit (A or C) after the end current, found %s", found);
        }
    }

  token = next (parser);
  if (token->kind != TOKEN_END)
    {
      found = describe (token);
      return fail (parser, error, PS_ENGINE_ERROR_PARSE,
                   "unexpected %s after the end current, expected the end of the step",
                   found);
    }
  return TRUE;
}

static gboolean
parse_rest_step (Parser          *parser,
                 PsProtocolStep  *step,
                 GError         **error)
{
  const Token *token;
  g_autofree char *found = NULL;

  step->unit = PS_STEP_UNIT_NONE;
  if (!expect_word (parser, "for", error))
    return FALSE;
  if (!read_duration (parser, &step->duration_s, error))
    return FALSE;

  token = next (parser);
  if (token->kind != TOKEN_END)
    {
      found = describe (token);
      return fail (parser, error, PS_ENGINE_ERROR_PARSE,
                   "unexpected %s after the duration, expected the end of the step",
                   found);
    }
  return TRUE;
}

static gboolean
parse_step (guint            step_no,
            const char      *text,
            PsProtocolStep  *step,
            GError         **error)
{
  g_autoptr(GPtrArray) tokens = tokenize (text);
  Parser parser = { step_no, text, tokens, 0 };
  const Token *verb;
  g_autofree char *found = NULL;

  step->value = 0.0;
  step->unit = PS_STEP_UNIT_NONE;
  step->duration_s = INFINITY;
  step->period_s = NAN;
  step->n_until = 0;
  step->source = NULL;
  step->repeat = 1;

  verb = next (&parser);
  if (is_word (verb, "discharge"))
    {
      step->kind = PS_STEP_DISCHARGE;
      return parse_load_step (&parser, step, error);
    }
  if (is_word (verb, "charge"))
    {
      step->kind = PS_STEP_CHARGE;
      return parse_load_step (&parser, step, error);
    }
  if (is_word (verb, "hold"))
    {
      step->kind = PS_STEP_HOLD;
      return parse_hold_step (&parser, step, error);
    }
  if (is_word (verb, "rest"))
    {
      step->kind = PS_STEP_REST;
      return parse_rest_step (&parser, step, error);
    }

  found = describe (verb);
  return fail (&parser, error, PS_ENGINE_ERROR_PARSE,
               "unknown instruction %s, expected Discharge, Charge, Hold or Rest",
               found);
}

PsProtocol *
ps_protocol_parse (const char  *text,
                   GError     **error)
{
  g_autoptr(PsProtocol) protocol = NULL;
  g_autoptr(GArray) steps = NULL;
  g_auto(GStrv) lines = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (text == NULL)
    text = "";

  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_PARSE,
                   "protocol: the text is not valid UTF-8");
      return NULL;
    }

  protocol = g_new0 (PsProtocol, 1);
  steps = g_array_new (FALSE, TRUE, sizeof (PsProtocolStep));
  lines = g_strsplit_set (text, ";\n\r", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      PsProtocolStep step = { 0 };
      char *stripped = g_strstrip (lines[i]);

      if (*stripped == '\0')
        continue;

      if (steps->len >= PS_MAX_PROTOCOL_STEPS)
        {
          g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_LIMIT,
                       "protocol: more than %d steps, expected at most %d",
                       PS_MAX_PROTOCOL_STEPS, PS_MAX_PROTOCOL_STEPS);
          goto failed;
        }

      if (!parse_step (steps->len + 1, stripped, &step, error))
        goto failed;
      step.text = g_ref_string_new (stripped);
      step.cycle = steps->len;
      step.written = steps->len;
      g_array_append_val (steps, step);
    }

  if (steps->len == 0)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "protocol: no steps, expected at least one such as "
                   "'Discharge at 1C until 3.0 V'");
      goto failed;
    }

  protocol->n_steps = steps->len;
  protocol->n_cycles = steps->len;
  protocol->n_items = steps->len;
  protocol->items = g_new0 (PsProtocolItem, steps->len);
  for (guint i = 0; i < steps->len; i++)
    protocol->items[i].step = i;
  protocol->steps = (PsProtocolStep *) (gpointer) g_array_free (g_steal_pointer (&steps), FALSE);
  return g_steal_pointer (&protocol);

failed:
  for (guint i = 0; i < steps->len; i++)
    g_ref_string_release (g_array_index (steps, PsProtocolStep, i).text);
  return NULL;
}

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

  for (guint i = 0; i < protocol->n_steps; i++)
    {
      g_ref_string_release (protocol->steps[i].text);
      if (protocol->steps[i].source != NULL)
        g_ref_string_release (protocol->steps[i].source);
    }
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
