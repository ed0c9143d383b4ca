/* ps-cell-model.c: the cell models by kind (--cell-model, "cell_model")
 *
 * The ECM runs every cell type; the physics models (SPMe, DFN) need the
 * cell's physics parameter set (PsCellType.electrochem).
 */
#include "config.h"

#include <string.h>

#include "ps-cell-model.h"
#include "ps-error.h"

static const char * const kind_names[PS_CELL_MODEL_N_KINDS] = {
  [PS_CELL_MODEL_ECM] = "ecm",
  [PS_CELL_MODEL_SPME] = "spme",
  [PS_CELL_MODEL_DFN] = "dfn",
};

const char *
_ps_cell_model_kind_to_string (PsCellModelKind kind)
{
  g_return_val_if_fail ((guint) kind < PS_CELL_MODEL_N_KINDS, "ecm");
  return kind_names[kind];
}

gboolean
_ps_cell_model_kind_from_string (const char      *name,
                                 PsCellModelKind *kind)
{
  for (guint i = 0; name != NULL && i < PS_CELL_MODEL_N_KINDS; i++)
    if (g_str_equal (name, kind_names[i]))
      {
        *kind = (PsCellModelKind) i;
        return TRUE;
      }
  return FALSE;
}

void
_ps_cell_model_sum_power (const double     *chemical_w,
                          const double     *reversible_w,
                          guint             n_cells,
                          PsCellModelPower *power)
{
  double chemical = 0.0, reversible = 0.0;

  for (guint i = 0; i < n_cells; i++)
    {
      chemical += chemical_w[i];
      reversible += reversible_w[i];
    }
  power->chemical_w = chemical;
  power->reversible_w = reversible;
}

/* The cells a thread must have before sharing pays, by model (2-core CI
 * machine, `packscope --bench --bench-only threads`): handing a job to a
 * second thread costs a few microseconds of CPU and the wait for that
 * thread to run, tens of microseconds on a virtual machine, more when it is
 * busy. An SPMe cell's share of a job is about 1 us: Model S's 7,104 cells
 * ran 1.5 times as fast on two threads, the Leaf's 192 (jobs of 0.2 ms)
 * slower; a DFN cell's is about 25 us. An ECM cell's is under 0.1 us and
 * half of its step (pack solve, thermal sweeps) stays on one thread (Model
 * S's 7,104 cells on two threads: 12 to 22 % more CPU for at most 1.4
 * times the speed), so an ECM pack shares from 16,384 cells. */
guint
_ps_cell_model_cells_per_thread (PsCellModelKind kind)
{
  static const guint cells[PS_CELL_MODEL_N_KINDS] = {
    [PS_CELL_MODEL_ECM] = 8192,
    [PS_CELL_MODEL_SPME] = 512,
    [PS_CELL_MODEL_DFN] = 16,
  };

  g_return_val_if_fail ((guint) kind < PS_CELL_MODEL_N_KINDS, G_MAXUINT);
  return cells[kind];
}

const PsCellModelClass *
_ps_cell_model_class_for_kind (PsCellModelKind   kind,
                               const PsCellType *cell,
                               GError          **error)
{
  const PsCellModelClass *klass = NULL;

  g_return_val_if_fail (cell != NULL, NULL);

  switch (kind)
    {
    case PS_CELL_MODEL_ECM:
      return &_ps_ecm_class;
    case PS_CELL_MODEL_SPME:
      klass = &_ps_spme_class;
      break;
    case PS_CELL_MODEL_DFN:
      klass = &_ps_dfn_class;
      break;
    default:
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "cell model %d: expected ecm, spme or dfn", (int) kind);
      return NULL;
    }

  if (cell->electrochem == NULL)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "cell %s: the %s cell model needs the cell's physics parameters "
                   "(\"electrochem\" in its JSON, or a BPX file), and this cell has none: "
                   "it runs only as an ecm", cell->id, kind_names[kind]);
      return NULL;
    }
  if (klass == NULL)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "cell model %s: not built into this version of Packscope yet, "
                   "expected ecm", kind_names[kind]);
      return NULL;
    }
  return klass;
}
