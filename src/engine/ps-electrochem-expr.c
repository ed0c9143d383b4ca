/* ps-electrochem-expr.c: the expressions of BPX files, compiled once
 *
 * The grammar BPX's reference parser accepts (BPX.md section 4): numbers,
 * the variable x, + - * /, ** (right-associative, binding tighter than a
 * leading minus, as in Python: -x**2 = -(x**2)), parentheses, and the
 * functions exp, tanh and cosh. Anything else (^, log, pi, a second
 * variable) is an error that names the position. The text is compiled to a
 * postfix program evaluated on a small stack: no allocation per evaluation.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ps-electrochem-private.h"
#include "ps-error.h"

#define MAX_PROGRAM  4096
#define MAX_STACK    64
#define MAX_NESTING  64

typedef enum
{
  OP_NUMBER,
  OP_X,
  OP_ADD,
  OP_SUB,
  OP_MUL,
  OP_DIV,
  OP_POW,
  OP_NEG,
  OP_EXP,
  OP_TANH,
  OP_COSH,
} OpCode;

typedef struct
{
  OpCode op;
  double value;
} Op;

struct _PsEcExpr
{
  char  *text;
  guint  n_ops;
  Op    *ops;
};

typedef struct
{
  const char *text;
  const char *p;
  GArray     *ops;
  guint       depth;
  const char *error;        /* what went wrong, or NULL */
  const char *error_at;
} Parser;

static void
skip_space (Parser *ps)
{
  while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
    ps->p++;
}

static gboolean
fail (Parser     *ps,
      const char *what)
{
  if (ps->error == NULL)
    {
      ps->error = what;
      ps->error_at = ps->p;
    }
  return FALSE;
}

static void
emit (Parser *ps,
      OpCode  op,
      double  value)
{
  Op o = { op, value };

  g_array_append_val (ps->ops, o);
}

static gboolean parse_sum (Parser *ps);
static gboolean parse_unary (Parser *ps);

static gboolean
parse_atom (Parser *ps)
{
  skip_space (ps);
  if (g_ascii_isdigit (*ps->p) || (*ps->p == '.' && g_ascii_isdigit (ps->p[1])))
    {
      char *end = NULL;
      double v = g_ascii_strtod (ps->p, &end);

      if (end == ps->p || !isfinite (v))
        return fail (ps, "a number");
      ps->p = end;
      emit (ps, OP_NUMBER, v);
      return TRUE;
    }
  if (*ps->p == '(')
    {
      ps->p++;
      if (++ps->depth > MAX_NESTING)
        return fail (ps, "at most 64 nested parentheses");
      if (!parse_sum (ps))
        return FALSE;
      ps->depth--;
      skip_space (ps);
      if (*ps->p != ')')
        return fail (ps, "\")\"");
      ps->p++;
      return TRUE;
    }
  if (g_ascii_isalpha (*ps->p) || *ps->p == '_')
    {
      const char *start = ps->p;
      gsize len;
      OpCode fn;

      while (g_ascii_isalnum (*ps->p) || *ps->p == '_')
        ps->p++;
      len = ps->p - start;
      if (len == 1 && start[0] == 'x')
        {
          emit (ps, OP_X, 0.0);
          return TRUE;
        }
      if (len == 3 && strncmp (start, "exp", 3) == 0)
        fn = OP_EXP;
      else if (len == 4 && strncmp (start, "tanh", 4) == 0)
        fn = OP_TANH;
      else if (len == 4 && strncmp (start, "cosh", 4) == 0)
        fn = OP_COSH;
      else
        {
          ps->p = start;
          return fail (ps, "x, a number, or one of the functions exp, tanh, cosh");
        }
      skip_space (ps);
      if (*ps->p != '(')
        return fail (ps, "\"(\" after the function's name");
      ps->p++;
      if (++ps->depth > MAX_NESTING)
        return fail (ps, "at most 64 nested parentheses");
      if (!parse_sum (ps))
        return FALSE;
      ps->depth--;
      skip_space (ps);
      if (*ps->p != ')')
        return fail (ps, "\")\"");
      ps->p++;
      emit (ps, fn, 0.0);
      return TRUE;
    }
  return fail (ps, "x, a number, a function or \"(\"");
}

/* power := atom ("**" unary)? : right-associative, and the exponent may
 * carry its own sign (x ** -2) */
static gboolean
parse_power (Parser *ps)
{
  if (!parse_atom (ps))
    return FALSE;
  skip_space (ps);
  if (ps->p[0] == '*' && ps->p[1] == '*')
    {
      ps->p += 2;
      if (++ps->depth > MAX_NESTING)
        return fail (ps, "at most 64 nested powers");
      if (!parse_unary (ps))
        return FALSE;
      ps->depth--;
      emit (ps, OP_POW, 0.0);
    }
  return TRUE;
}

static gboolean
parse_unary (Parser *ps)
{
  skip_space (ps);
  if (*ps->p == '-' || *ps->p == '+')
    {
      gboolean neg = *ps->p == '-';

      ps->p++;
      if (++ps->depth > MAX_NESTING)
        return fail (ps, "at most 64 signs in a row");
      if (!parse_unary (ps))
        return FALSE;
      ps->depth--;
      if (neg)
        emit (ps, OP_NEG, 0.0);
      return TRUE;
    }
  return parse_power (ps);
}

static gboolean
parse_product (Parser *ps)
{
  if (!parse_unary (ps))
    return FALSE;
  for (;;)
    {
      OpCode op;

      skip_space (ps);
      if (ps->p[0] == '*' && ps->p[1] != '*')
        op = OP_MUL;
      else if (ps->p[0] == '/')
        op = OP_DIV;
      else
        return TRUE;
      ps->p++;
      if (!parse_unary (ps))
        return FALSE;
      emit (ps, op, 0.0);
    }
}

static gboolean
parse_sum (Parser *ps)
{
  if (!parse_product (ps))
    return FALSE;
  for (;;)
    {
      OpCode op;

      skip_space (ps);
      if (*ps->p == '+')
        op = OP_ADD;
      else if (*ps->p == '-')
        op = OP_SUB;
      else
        return TRUE;
      ps->p++;
      if (!parse_product (ps))
        return FALSE;
      emit (ps, op, 0.0);
    }
}

/* the largest stack the program needs */
static guint
stack_depth (const Op *ops,
             guint     n)
{
  guint depth = 0, max = 0;

  for (guint i = 0; i < n; i++)
    switch (ops[i].op)
      {
      case OP_NUMBER:
      case OP_X:
        max = MAX (max, ++depth);
        break;
      case OP_ADD:
      case OP_SUB:
      case OP_MUL:
      case OP_DIV:
      case OP_POW:
        depth--;
        break;
      default:
        break;
      }
  return max;
}

PsEcExpr *
_ps_ec_expr_compile (const char  *text,
                     const char  *source,
                     const char  *path,
                     GError     **error)
{
  Parser ps = { text, text, g_array_new (FALSE, FALSE, sizeof (Op)), 0, NULL, NULL };
  PsEcExpr *expr;
  gboolean ok;

  ok = parse_sum (&ps);
  if (ok)
    {
      skip_space (&ps);
      if (*ps.p != '\0')
        ok = fail (&ps, "an operator (+ - * / **) or the end");
    }
  if (ok && (ps.ops->len > MAX_PROGRAM || stack_depth ((Op *) ps.ops->data, ps.ops->len) > MAX_STACK))
    ok = fail (&ps, "a shorter expression");
  if (!ok)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "%s: %s: expected %s at character %d of \"%s\"",
                   source, path, ps.error, (int) (ps.error_at - text) + 1, text);
      g_array_unref (ps.ops);
      return NULL;
    }

  expr = g_new0 (PsEcExpr, 1);
  expr->text = g_strdup (text);
  expr->n_ops = ps.ops->len;
  expr->ops = (Op *) g_array_free (ps.ops, FALSE);
  return expr;
}

double
_ps_ec_expr_eval (const PsEcExpr *expr,
                  double          x)
{
  double stack[MAX_STACK];
  guint sp = 0;

  for (guint i = 0; i < expr->n_ops; i++)
    {
      const Op *o = &expr->ops[i];

      switch (o->op)
        {
        case OP_NUMBER:
          stack[sp++] = o->value;
          break;
        case OP_X:
          stack[sp++] = x;
          break;
        case OP_ADD:
          sp--;
          stack[sp - 1] += stack[sp];
          break;
        case OP_SUB:
          sp--;
          stack[sp - 1] -= stack[sp];
          break;
        case OP_MUL:
          sp--;
          stack[sp - 1] *= stack[sp];
          break;
        case OP_DIV:
          sp--;
          stack[sp - 1] /= stack[sp];
          break;
        case OP_POW:
          sp--;
          stack[sp - 1] = pow (stack[sp - 1], stack[sp]);
          break;
        case OP_NEG:
          stack[sp - 1] = -stack[sp - 1];
          break;
        case OP_EXP:
          stack[sp - 1] = exp (stack[sp - 1]);
          break;
        case OP_TANH:
          stack[sp - 1] = tanh (stack[sp - 1]);
          break;
        case OP_COSH:
          stack[sp - 1] = cosh (stack[sp - 1]);
          break;
        default:
          g_return_val_if_reached (NAN);
        }
    }
  return stack[0];
}

const char *
_ps_ec_expr_get_text (const PsEcExpr *expr)
{
  return expr->text;
}

PsEcExpr *
_ps_ec_expr_copy (const PsEcExpr *expr)
{
  PsEcExpr *copy = g_new0 (PsEcExpr, 1);

  copy->text = g_strdup (expr->text);
  copy->n_ops = expr->n_ops;
  copy->ops = g_memdup2 (expr->ops, sizeof (Op) * expr->n_ops);
  return copy;
}

void
_ps_ec_expr_free (PsEcExpr *expr)
{
  if (expr == NULL)
    return;
  g_free (expr->text);
  g_free (expr->ops);
  g_free (expr);
}
