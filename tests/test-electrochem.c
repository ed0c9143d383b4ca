/* test-electrochem.c: the physics parameter sets (ps-electrochem.h) —
 * the built-in sets load with the numbers of PARAMETERS.md, the COMSOL set
 * is Marquis2019 with its overrides, the SOC window comes out of the
 * cut-offs, and bad files get errors naming the member.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "ps-engine.h"
#include "ps-cell-model.h"
#include "ps-electrochem.h"
#include "ps-electrochem-private.h"
#include "ps-bpx.h"
#include "ps-cell-type-private.h"

static void
test_builtin_sets (void)
{
  g_auto(GStrv) ids = ps_electrochem_list_builtin ();

  g_assert_true (g_strv_contains ((const char * const *) ids, "chen2020"));
  g_assert_true (g_strv_contains ((const char * const *) ids, "marquis2019"));
  g_assert_true (g_strv_contains ((const char * const *) ids, "marquis2019-comsol"));
  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PsElectrochem) ec = ps_electrochem_new_from_id (ids[i], &error);

      g_assert_no_error (error);
      g_assert_cmpstr (ec->id, ==, ids[i]);
      g_assert_cmpuint (strlen (ec->source), >, 60);
      /* the OCV at the window's ends is the cut-off */
      g_assert_cmpfloat_with_epsilon (ps_electrochem_ocv_at_soc (ec, 0.0, ec->t_ref_k),
                                      ec->voltage_min_v, 1e-9);
      g_assert_cmpfloat_with_epsilon (ps_electrochem_ocv_at_soc (ec, 1.0, ec->t_ref_k),
                                      ec->voltage_max_v, 1e-9);
    }
}

static void
check_ocp_against_csv (const PsElectrochem *ec,
                       PsElectrodeId        which,
                       const char          *name)
{
  const char *data_dir = g_getenv ("PS_SHARED_DATA");
  g_autofree char *path = g_build_filename (data_dir ? data_dir : ".", "parameters", name, NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint n = 0;
  double worst = 0.0;
  gboolean extra = FALSE;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      double sto, ocp;

      /* "# extra point to avoid extrapolation": the next row is made up */
      if (lines[i][0] == '#')
        {
          extra = strstr (lines[i], "extra point") != NULL;
          continue;
        }
      if (sscanf (lines[i], "%lf,%lf", &sto, &ocp) != 2 || extra)
        {
          extra = FALSE;
          continue;
        }
      if (sto < 0.1 || sto > 0.9)
        continue;
      worst = MAX (worst, fabs (ps_electrochem_ocp (ec, which, sto, 298.15) - ocp));
      n++;
    }
  g_test_message ("%s: %u points, worst %.2f mV", name, n, worst * 1e3);
  g_assert_cmpuint (n, >, 100);
  g_assert_cmpfloat (worst, <, 0.010);
}

static void
test_chen2020 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PsElectrochem) ec = ps_electrochem_new_from_id ("chen2020", &error);
  const PsElectrode *n, *p;
  double q_n, q_li;

  g_assert_no_error (error);
  n = &ec->electrode[PS_ELECTRODE_NEG];
  p = &ec->electrode[PS_ELECTRODE_POS];
  g_assert_cmpfloat (n->thickness_m, ==, 8.52e-5);
  g_assert_cmpfloat (p->c_max, ==, 63104);
  g_assert_cmpfloat_with_epsilon (n->sto_init, 0.90140, 1e-4);
  g_assert_cmpfloat_with_epsilon (p->sto_init, 0.27000, 1e-4);
  g_assert_cmpfloat_with_epsilon (ec->area_m2, 0.1027, 1e-6);
  /* the derived figures of PARAMETERS.md: Q_n 5.83 Ah, cyclable 7.61 Ah */
  q_n = ps_electrochem_electrode_charge (ec, PS_ELECTRODE_NEG) / 3600.0;
  g_assert_cmpfloat_with_epsilon (q_n, 5.83, 0.01);
  q_li = (n->sto_init * ps_electrochem_electrode_charge (ec, PS_ELECTRODE_NEG)
          + p->sto_init * ps_electrochem_electrode_charge (ec, PS_ELECTRODE_POS)) / 3600.0;
  g_assert_cmpfloat_with_epsilon (q_li, 7.61, 0.01);
  /* the OCP fits follow Chen's measured half-cell data within 10 mV over
   * 0.1..0.9 (the fits' own error) */
  check_ocp_against_csv (ec, PS_ELECTRODE_NEG, "graphite_LGM50_ocp_Chen2020.csv");
  check_ocp_against_csv (ec, PS_ELECTRODE_POS, "nmc_LGM50_ocp_Chen2020.csv");
  /* the window holds about the nominal 5 Ah */
  g_assert_cmpfloat_with_epsilon ((n->sto_100 - n->sto_0) * q_n, 5.0, 0.2);
  /* Nyman 2008 at 1 M: kappa 0.9487 S/m, D_e 1.7694e-10 m2/s */
  g_assert_cmpfloat_with_epsilon (ps_electrochem_kappa_e (ec, 1000, 330), 0.9487, 1e-9);
  g_assert_cmpfloat_with_epsilon (ps_electrochem_d_e (ec, 1000, 330), 1.7694e-10, 1e-16);
  /* j0 with the Arrhenius factor at the reference temperature = 1 */
  g_assert_cmpfloat_with_epsilon (ps_electrochem_j0 (ec, PS_ELECTRODE_NEG, 1000, 16566, 298.15),
                                  6.48e-7 * sqrt (1000.0 * 16566 * (33133 - 16566)), 1e-9);
}

static void
test_marquis_comsol (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PsElectrochem) base = ps_electrochem_new_from_id ("marquis2019", &error);
  g_autoptr(PsElectrochem) ec = NULL;

  g_assert_no_error (error);
  ec = ps_electrochem_new_from_id ("marquis2019-comsol", &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (base->electrode[PS_ELECTRODE_NEG].sigma_s_m, ==, 100);
  g_assert_cmpfloat (ec->electrode[PS_ELECTRODE_NEG].sigma_s_m, ==, 126);
  g_assert_cmpfloat (ec->electrode[PS_ELECTRODE_POS].sigma_s_m, ==, 16.6);
  g_assert_cmpfloat (ec->area_m2, ==, 1.0);
  g_assert_cmpfloat_with_epsilon (base->area_m2, 0.028359, 1e-6);
  /* everything else from the base */
  g_assert_cmpfloat (ec->electrode[PS_ELECTRODE_POS].j0_m_ref, ==, 6e-7);
  g_assert_cmpfloat (ec->electrolyte.t_plus, ==, 0.4);
  g_assert_cmpfloat_with_epsilon (ec->electrode[PS_ELECTRODE_NEG].sto_init, 0.8, 1e-9);
  /* Arrhenius on the solid diffusivity: 42770 J/mol, 10 K above */
  g_assert_cmpfloat_with_epsilon (ps_electrochem_d_s (ec, PS_ELECTRODE_NEG, 0.5, 308.15)
                                  / ps_electrochem_d_s (ec, PS_ELECTRODE_NEG, 0.5, 298.15),
                                  exp (42770 / 8.314462618 * (1 / 298.15 - 1 / 308.15)), 1e-12);
  /* the Dualfoil fits at 0.5 (MCMB2528 ~ 0.123 V... ) are finite and ordered */
  g_assert_cmpfloat (ps_electrochem_ocp (ec, PS_ELECTRODE_POS, 0.6, 298.15)
                     - ps_electrochem_ocp (ec, PS_ELECTRODE_NEG, 0.8, 298.15), >, 3.8);
}

static void
check_bad_file (const char *text,
                const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(PsElectrochem) ec = NULL;
  int fd = g_file_open_tmp ("ps-ec-XXXXXX.json", &path, NULL);

  g_assert_cmpint (fd, >=, 0);
  close (fd);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  ec = ps_electrochem_new_from_file (path, &error);
  g_unlink (path);
  g_assert_null (ec);
  g_assert_nonnull (error);
  if (strstr (error->message, expected) == NULL)
    g_error ("expected \"%s\" in: %s", expected, error->message);
}

static void
test_errors_name_the_member (void)
{
  check_bad_file ("{\"id\": \"x\", \"base\": \"marquis2019\", "
                  "\"negative_electrode\": {\"porosity\": 1.5}}",
                  "$.negative_electrode.porosity");
  check_bad_file ("{\"id\": \"x\", \"base\": \"marquis2019\", "
                  "\"positive_electrode\": {\"ocp_v\": {\"fit\": \"nope\"}}}",
                  "$.positive_electrode.ocp_v.fit");
  check_bad_file ("{\"id\": \"x\", \"base\": \"marquis2019\", "
                  "\"electrolyte\": {\"t_plus\": 0.3}}",
                  "$.electrolyte.t_plus: unknown member");
  check_bad_file ("{\"id\": \"x\", \"base\": \"marquis2019\", "
                  "\"cell\": {\"voltage_max_v\": 9}}",
                  "$.cell.voltage_max_v");
  check_bad_file ("{\"id\": \"x\", \"base\": \"marquis2019\", "
                  "\"negative_electrode\": {\"diffusivity_m2_s\": {\"x\": [0, 1], \"y\": [1e-14, -1]}}}",
                  "$.negative_electrode.diffusivity_m2_s");
  check_bad_file ("{\"id\": \"x\", \"base\": \"nothing\"}", "no built-in set");
  check_bad_file ("{\"id\": \"x\"}", "$.negative_electrode");
}

/* The Ai 2020 and Ecker 2015 sets: their fits of (c_e, T), the Arrhenius
 * factors about the set's own reference temperatures, D_s(c) over a
 * particle's profile, the errors of the members they added, and the cells
 * whose ECM is derived from them. */
static void
test_ai2020_ecker2015 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PsElectrochem) ai = ps_electrochem_new_from_id ("ai2020", &error);
  g_autoptr(PsElectrochem) ecker = NULL;
  g_autoptr(PsCellType) enertech = NULL;
  g_autoptr(PsCellType) kokam = NULL;
  const double r = PS_GAS_CONSTANT;
  double d, mean;

  g_assert_no_error (error);
  ecker = ps_electrochem_new_from_id ("ecker2015", &error);
  g_assert_no_error (error);

  /* Valoen-Reimers at 1 mol/L, 25 C: D_e in m2/s (their cm2/s x 1e-4) */
  d = 1e-4 * pow (10.0, -4.43 - 54.0 / (298.15 - 229.0 - 5.0) - 0.22);
  g_assert_cmpfloat_with_epsilon (ps_electrochem_d_e (ai, 1000.0, 298.15), d, 1e-12 * d);
  g_assert_cmpfloat (ps_electrochem_d_e (ai, 1000.0, 298.15), <, 1e-9);
  g_assert_cmpfloat_with_epsilon (ps_electrochem_kappa_e (ai, 1000.0, 298.15), 1.194, 0.001);
  /* warmer, faster */
  g_assert_cmpfloat (ps_electrochem_d_e (ai, 1000.0, 318.15), >, 1.3 * d);
  /* the OCP tables are the measured points */
  check_ocp_against_csv (ai, PS_ELECTRODE_POS, "lico2_ocp_Ai2020.csv");
  /* LiCoO2's entropic fit is meant for its window only */
  g_assert_cmpfloat (fabs (ps_electrochem_dudt (ai, PS_ELECTRODE_POS, 0.05)), >, 0.01);

  /* Ecker: j0 and D_s are the fits at their reference temperatures, the
   * Arrhenius factor about 296.15 and 296 K elsewhere */
  {
    const PsElectrode *n = &ecker->electrode[PS_ELECTRODE_NEG];
    double cs = 0.5 * n->c_max;
    double j0_ref = n->j0_m_ref * sqrt (1000.0 * cs * (n->c_max - cs));

    g_assert_cmpfloat_with_epsilon (ps_electrochem_j0 (ecker, PS_ELECTRODE_NEG, 1000.0, cs, 296.15),
                                    j0_ref, 1e-12 * j0_ref);
    g_assert_cmpfloat_with_epsilon (ps_electrochem_j0 (ecker, PS_ELECTRODE_NEG, 1000.0, cs, 298.15),
                                    j0_ref * exp (53400.0 / r * (1.0 / 296.15 - 1.0 / 298.15)),
                                    1e-12 * j0_ref);
    d = 8.4e-13 * exp (-11.3 * 0.5) + 8.2e-15;
    g_assert_cmpfloat_with_epsilon (ps_electrochem_d_s (ecker, PS_ELECTRODE_NEG, 0.5, 296.0), d,
                                    1e-12 * d);
    /* D_s(c) between two stoichiometries: its mean (exact integral) */
    mean = (8.4e-13 / 11.3 * (exp (-11.3 * 0.2) - exp (-11.3 * 0.8)) + 8.2e-15 * 0.6) / 0.6;
    g_assert_cmpfloat_with_epsilon (ps_electrochem_d_s_between (ecker, PS_ELECTRODE_NEG, 0.2, 0.8, 296.0),
                                    mean, 2e-3 * mean);
    g_assert_cmpfloat_with_epsilon (ps_electrochem_d_s_between (ecker, PS_ELECTRODE_NEG, 0.8, 0.2, 296.0),
                                    mean, 2e-3 * mean);
    /* a constant D_s stays itself */
    g_assert_cmpfloat (ps_electrochem_d_s_between (ai, PS_ELECTRODE_NEG, 0.2, 0.8, 298.15), ==, 3.9e-14);
    /* Nernst-Einstein between the electrolyte's fits */
    g_assert_cmpfloat_with_epsilon (ps_electrochem_d_e (ecker, 1000.0, 298.15),
                                    1.380649e-23 / (PS_FARADAY * 1.602176634e-19)
                                    * ps_electrochem_kappa_e (ecker, 1000.0, 298.15) * 298.15 / 1000.0,
                                    1e-22);
  }

  /* the members these sets added name themselves in errors */
  check_bad_file ("{\"id\": \"x\", \"base\": \"ecker2015\", \"negative_electrode\": "
                  "{\"diffusivity_m2_s\": {\"fit\": \"graphite-diffusivity-ecker2015\", "
                  "\"activation_energy_j_mol\": 30300, \"reference_temperature_k\": 20}}}",
                  "$.negative_electrode.diffusivity_m2_s.reference_temperature_k: expected a temperature");
  check_bad_file ("{\"id\": \"x\", \"base\": \"ecker2015\", \"positive_electrode\": "
                  "{\"j0_reference_temperature_k\": 1000}}",
                  "$.positive_electrode.j0_reference_temperature_k");
  check_bad_file ("{\"id\": \"x\", \"base\": \"ecker2015\", \"electrolyte\": "
                  "{\"conductivity_s_m\": {\"fit\": \"electrolyte-conductivity-ecker2016\"}}}",
                  "$.electrolyte.conductivity_s_m.fit");

  /* the cells run on an ECM derived from their sets */
  enertech = ps_cell_type_new_from_id ("enertech-lco-pouch", &error);
  g_assert_no_error (error);
  kokam = ps_cell_type_new_from_id ("kokam-slpb75106100", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (enertech->ocv.n_points, ==, 101);
  g_assert_cmpfloat_with_epsilon (ps_table_eval (&enertech->ocv, 0.0), 3.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (ps_table_eval (&enertech->ocv, 1.0), 4.2, 1e-9);
  g_assert_cmpfloat_with_epsilon (enertech->capacity_ah,
                                  ps_electrochem_window_capacity_ah (enertech->electrochem), 1e-4);
  g_assert_cmpfloat_with_epsilon (kokam->capacity_ah,
                                  ps_electrochem_window_capacity_ah (kokam->electrochem), 1e-4);
  g_assert_cmpuint (kokam->electrochem->n_electrode_pairs, ==, 48);
  g_assert_cmpfloat (ps_table_eval (&enertech->r0, 0.5), >, 0.0);
  /* 25 C to 45 C: R0 falls by the set's j0 energy (5 kJ/mol) */
  g_assert_cmpfloat (enertech->ea_r0_j_mol, ==, 5000.0);
  /* tables given in part are an error, not a derivation */
  {
    g_autoptr(PsCellType) bad = NULL;
    const char *text = "{\"id\": \"x\", \"name\": \"x\", \"chemistry\": \"x\", \"source\": \"x\", "
                       "\"capacity_ah\": 2.4662, \"voltage_min_v\": 3, \"voltage_nominal_v\": 3.7, "
                       "\"voltage_max_v\": 4.2, \"current_max_discharge_a\": 5, "
                       "\"current_max_charge_a\": 2, \"temperature_ref_c\": 25, "
                       "\"ocv\": {\"soc\": [0, 1], \"voltage_v\": [3, 4.2]}, "
                       "\"thermal\": {\"mass_kg\": 0.04, \"cp_j_kg_k\": 950, \"surface_area_m2\": 0.006, "
                       "\"k_through_w_mk\": 0.5, \"k_in_plane_w_mk\": 20, \"temperature_min_c\": -20, "
                       "\"temperature_max_c\": 60}, "
                       "\"geometry\": {\"shape\": \"pouch\", \"length_m\": 0.05, \"width_m\": 0.05, "
                       "\"thickness_m\": 0.006}, \"electrochem\": \"ai2020\"}";
    g_autoptr(JsonParser) parser = json_parser_new ();

    g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
    bad = ps_cell_type_new_from_json_node (json_parser_get_root (parser), "x.json", "$", &error);
    g_assert_null (bad);
    g_test_message ("%s", error->message);
    g_assert_nonnull (strstr (error->message, "dudt"));
  }
}

static void
test_cell_links_its_set (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PsCellType) m50 = ps_cell_type_new_from_id ("lg-m50", &error);
  g_autoptr(PsCellType) leaf = NULL;
  g_autoptr(PsCellType) copy = NULL;
  PsCellModelKind kind;

  g_assert_no_error (error);
  g_assert_nonnull (m50->electrochem);
  g_assert_cmpstr (m50->electrochem_id, ==, "chen2020");
  copy = ps_cell_type_copy (m50);
  g_assert_true (copy->electrochem != m50->electrochem);
  g_assert_cmpfloat (copy->electrochem->electrode[0].c_max, ==, 33133);

  leaf = ps_cell_type_new_from_id ("aesc-leaf-2011", &error);
  g_assert_no_error (error);
  g_assert_null (leaf->electrochem);

  g_assert_true (_ps_cell_model_kind_from_string ("spme", &kind));
  g_assert_cmpint (kind, ==, PS_CELL_MODEL_SPME);
  g_assert_false (_ps_cell_model_kind_from_string ("SPMe2", &kind));
  g_assert_true (_ps_cell_model_class_for_kind (PS_CELL_MODEL_ECM, leaf, &error) == &_ps_ecm_class);
  g_assert_null (_ps_cell_model_class_for_kind (PS_CELL_MODEL_SPME, leaf, &error));
  g_assert_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "aesc-leaf-2011"));
  g_assert_nonnull (strstr (error->message, "physics parameters"));
}


/* ------------------------------------------------------------------ SPMe */

typedef struct
{
  PsCellType        *cell;
  PsCellModel       *model;
  guint              n;
} Spme;

static void
spme_start (Spme         *m,
            guint         n,
            double        soc0,
            double        temp_k)
{
  g_autoptr(GError) error = NULL;
  g_autofree double *soc = g_new (double, n);
  g_autofree double *cap = g_new (double, n);
  g_autofree double *rf = g_new (double, n);

  m->cell = ps_cell_type_new_from_id ("lg-m50", &error);
  g_assert_no_error (error);
  m->model = _ps_spme_class.new (m->cell, n);
  m->n = n;
  for (guint i = 0; i < n; i++)
    {
      soc[i] = soc0;
      cap[i] = m->cell->capacity_ah;
      rf[i] = 1.0;
    }
  _ps_spme_class.reset (m->model, soc, cap, rf, temp_k);
}

static void
spme_stop (Spme *m)
{
  _ps_spme_class.free (m->model);
  ps_cell_type_free (m->cell);
}

/* one step of every cell at current[i] (the guess iterated onto it, as the
 * pack solve does); returns cell 0's voltage */
static double
spme_step (Spme         *m,
           double        dt,
           const double *temp,
           const double *current,
           double       *heat)
{
  const double *e, *r;
  PsCellModelPower power;

  for (guint it = 0; it < 8 && _ps_spme_class.set_current_guess (m->model, current); it++)
    ;
  _ps_spme_class.linearise (m->model, dt, temp, &e, &r);
  _ps_spme_class.commit (m->model, dt, temp, current, heat, &power);
  return _ps_spme_class.get_voltage (m->model)[0];
}

/* The charge through a cell moves its SOC by exactly charge / capacity
 * (the particles' modes conserve lithium), and after a long rest the
 * voltage settles on the OCV of that SOC. */
static void
test_spme_charge_and_relaxation (void)
{
  Spme m;
  double temp = 298.15, heat, current = 5.0, v_end, soc_end;

  spme_start (&m, 1, 0.9, temp);
  for (guint k = 0; k < 360; k++)
    spme_step (&m, 5.0, &temp, &current, &heat);   /* 0.5 h at 5 A */
  soc_end = _ps_spme_class.get_soc (m.model)[0];
  g_assert_cmpfloat_with_epsilon (soc_end, 0.9 - 2.5 / m.cell->capacity_ah, 1e-9);

  current = 0.0;
  for (guint k = 0; k < 200; k++)
    v_end = spme_step (&m, 600.0, &temp, &current, &heat);
  g_assert_cmpfloat_with_epsilon (v_end, _ps_spme_class.get_ocv (m.model)[0], 1e-4);
  g_assert_cmpfloat_with_epsilon (v_end, ps_electrochem_ocv_at_soc (m.cell->electrochem, soc_end, temp),
                                  1e-4);
  spme_stop (&m);
}

/* The step is exact for the particles: one step of 60 s and sixty of 1 s
 * give the same voltage (to the electrolyte's implicit substeps). */
static void
test_spme_step_size (void)
{
  Spme a, b;
  double temp = 298.15, heat, current = 10.0, va = 0.0, vb = 0.0;

  spme_start (&a, 1, 0.8, temp);
  spme_start (&b, 1, 0.8, temp);
  for (guint k = 0; k < 10; k++)
    va = spme_step (&a, 60.0, &temp, &current, &heat);
  for (guint k = 0; k < 600; k++)
    vb = spme_step (&b, 1.0, &temp, &current, &heat);
  g_assert_cmpfloat_with_epsilon (va, vb, 1e-3);
  g_assert_cmpfloat_with_epsilon (_ps_spme_class.get_soc (a.model)[0],
                                  _ps_spme_class.get_soc (b.model)[0], 1e-12);
  spme_stop (&a);
  spme_stop (&b);
}

/* save / restore gives back the very same run (the limit bisection relies
 * on it); heat is the losses: positive on discharge and on charge (Chen2020
 * has no entropic term); a warmer cell loses less (Arrhenius). */
static void
test_spme_save_restore_heat_temperature (void)
{
  Spme m;
  double temp[2] = { 298.15, 318.15 }, heat[2], current[2] = { 5.0, 5.0 };
  double v1, v2;

  spme_start (&m, 2, 0.7, 298.15);
  spme_step (&m, 10.0, temp, current, heat);
  g_assert_cmpfloat (heat[0], >, 0.0);
  /* the warm cell: less heat for the same current, a higher voltage */
  g_assert_cmpfloat (heat[1], <, heat[0]);
  g_assert_cmpfloat (_ps_spme_class.get_voltage (m.model)[1], >,
                     _ps_spme_class.get_voltage (m.model)[0] + 0.005);
  _ps_spme_class.save (m.model);
  v1 = spme_step (&m, 30.0, temp, current, heat);
  spme_step (&m, 30.0, temp, current, heat);
  _ps_spme_class.restore (m.model);
  v2 = spme_step (&m, 30.0, temp, current, heat);
  g_assert_cmpfloat (v1, ==, v2);

  current[0] = current[1] = -5.0;
  spme_step (&m, 10.0, temp, current, heat);
  g_assert_cmpfloat (heat[0], >, 0.0);
  spme_stop (&m);
}

/* Through the whole engine: the LG M50 preset as an SPMe discharges at 1C
 * to 2.5 V with the same charge whatever the output interval, warms up, and
 * delivers more at 0.5C than at 1C (the diffusion limits the SPMe has and a
 * constant-capacity cell would not). */
static double
run_preset_spme (const char *protocol,
                 double      dt,
                 double     *temp_rise)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PsScenario) scenario = ps_scenario_new_from_preset ("lg-m50", &error);
  g_autoptr(PsSimulation) sim = NULL;
  double t0;

  g_assert_no_error (error);
  g_assert_true (ps_scenario_set_protocol (scenario, protocol, &error));
  g_assert_true (ps_scenario_set_cell_model (scenario, "spme", &error));
  g_assert_cmpstr (ps_scenario_get_cell_model (scenario), ==, "spme");
  ps_scenario_set_dt_s (scenario, dt);
  sim = ps_simulation_new (scenario, &error);
  g_assert_no_error (error);
  t0 = ps_simulation_get_cell_temp (sim)[0];
  while (ps_simulation_advance (sim, dt))
    ;
  if (temp_rise != NULL)
    *temp_rise = ps_simulation_get_cell_temp (sim)[0] - t0;
  g_assert_cmpfloat_with_epsilon (ps_simulation_get_cell_voltage (sim)[0], 2.5, 1e-6);
  return ps_simulation_get_charge_ah (sim);
}

static void
test_spme_in_the_engine (void)
{
  double rise, q1 = run_preset_spme ("Discharge at 1C until 2.5 V", 1.0, &rise);
  double q60 = run_preset_spme ("Discharge at 1C until 2.5 V", 60.0, NULL);
  double q05 = run_preset_spme ("Discharge at 0.5C until 2.5 V", 10.0, NULL);

  g_test_message ("LG M50 SPMe: 1C %.4f Ah (dt 1 s), %.4f Ah (dt 60 s), 0.5C %.4f Ah, 1C rise %.2f K",
                  q1, q60, q05, rise);
  g_assert_cmpfloat_with_epsilon (q1, q60, 1e-3);
  g_assert_cmpfloat (q1, >, 4.7);
  g_assert_cmpfloat (q1, <, 5.1);
  g_assert_cmpfloat (q05, >, q1 + 0.02);
  g_assert_cmpfloat (rise, >, 1.0);
}


/* ------------------------------------------------------------------- BPX */

static char *
bpx_path (const char *rel)
{
  const char *d = g_getenv ("PS_SHARED_DATA");

  return g_build_filename (d ? d : "../shared/data", "bpx", "examples", rel, NULL);
}

/* Every published example loads, or is refused naming the key that is not
 * supported; the imported functions give BPX.md's golden values. */
static void
test_bpx_examples (void)
{
  static const struct { const char *file; const char *refused_at; } files[] = {
    { "FaradayInstitution-BPX/examples/nmc_pouch_cell_BPX.json", NULL },
    { "FaradayInstitution-BPX/examples/lfp_18650_cell_BPX.json", NULL },
    { "FaradayInstitution-BPX/examples/nmc_pouch_cell_BPX_SPM.json", "$.Header.Model" },
    { "FaradayInstitution-BPX/examples/nmc_pouch_cell_BPX_blended_electrode.json",
      "$.Parameterisation.Positive electrode.Particle" },
    { "FaradayInstitution-BPX/examples/nmc_pouch_cell_BPX_user-defined_hysteresis.json",
      "$.Parameterisation.Negative electrode.OCP [V]" },
    { "About-Energy-BPX-Parameterisation/NMC/nmc_pouch_cell_BPX.json", NULL },
    { "About-Energy-BPX-Parameterisation/LFP/lfp_18650_cell_BPX.json", NULL },
    { "PyBaMM-docs-533f3f410/nmc_pouch_cell_BPX.json", NULL },
    { "pybamm-team-bpx-example/example-params.json", NULL },
    { "About-Energy-AEPyBaMM/examples/params/AE_gen1_BPX.json", NULL },
    { "About-Energy-AEPyBaMM/examples/params/example_nmc_BPX.json", NULL },
    { "About-Energy-AEPyBaMM/examples/params/example_lfp_BPX.json", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = bpx_path (files[i].file);
      g_autoptr(GError) error = NULL;
      g_autoptr(PsCellType) cell = ps_bpx_cell_new_from_file (path, &error);

      if (files[i].refused_at == NULL)
        {
          g_assert_no_error (error);
          g_assert_nonnull (cell->electrochem);
          /* the derived ECM's OCV ends at the cut-offs (within BPX's few mV) */
          g_assert_cmpfloat_with_epsilon (ps_table_eval (&cell->ocv, 0.0), cell->voltage_min_v, 0.02);
          g_assert_cmpfloat_with_epsilon (ps_table_eval (&cell->ocv, 1.0), cell->voltage_max_v, 0.02);
        }
      else
        {
          g_assert_null (cell);
          g_assert_nonnull (error);
          if (strstr (error->message, files[i].refused_at) == NULL)
            g_error ("expected %s in: %s", files[i].refused_at, error->message);
        }
    }

  {
    g_autofree char *path = bpx_path ("FaradayInstitution-BPX/examples/nmc_pouch_cell_BPX.json");
    g_autoptr(GError) error = NULL;
    g_autoptr(PsCellType) cell = ps_bpx_cell_new_from_file (path, &error);
    const PsElectrochem *ec;

    g_assert_no_error (error);
    ec = cell->electrochem;
    g_assert_cmpfloat_with_epsilon (ps_electrochem_kappa_e (ec, 1000, 298.15), 0.948700, 1e-6);
    g_assert_cmpfloat_with_epsilon (ps_electrochem_d_e (ec, 1000, 298.15), 1.769400e-10, 1e-15);
    g_assert_cmpfloat_with_epsilon (ps_electrochem_ocp (ec, PS_ELECTRODE_NEG, 0.5, 298.15), 0.116097, 1e-6);
    g_assert_cmpfloat_with_epsilon (ps_electrochem_ocp (ec, PS_ELECTRODE_POS, 0.5, 298.15), 4.106765, 1e-6);
    /* the Vmin check of BPX.md: U_p(max) - U_n(min) = 2.69997 V */
    g_assert_cmpfloat_with_epsilon (ps_electrochem_ocv_at_soc (ec, 0.0, 298.15), 2.69997, 1e-5);
    /* eps_s = a R / 3, b = ln (te) / ln (eps), m_ref = F k / (c_max sqrt (c_e0)) */
    g_assert_cmpfloat_with_epsilon (ec->electrode[0].active_fraction, 499522 * 4.12e-6 / 3, 1e-12);
    g_assert_cmpfloat_with_epsilon (ec->electrode[0].brug_electrolyte, log (0.128) / log (0.253991), 1e-12);
    g_assert_cmpfloat_with_epsilon (ec->electrode[1].j0_m_ref,
                                    96485.33212 * 2.305e-05 / (46200 * sqrt (1000.0)), 1e-15);
    g_assert_cmpfloat_with_epsilon (ec->electrode[1].sto_100, 0.42424, 1e-12);
  }
  {
    g_autofree char *path = bpx_path ("FaradayInstitution-BPX/examples/lfp_18650_cell_BPX.json");
    g_autoptr(GError) error = NULL;
    g_autoptr(PsCellType) cell = ps_bpx_cell_new_from_file (path, &error);

    g_assert_no_error (error);
    g_assert_cmpfloat_with_epsilon (ps_electrochem_ocp (cell->electrochem, PS_ELECTRODE_POS, 0.5, 298.15), 3.405371, 1e-6);
    g_assert_cmpfloat_with_epsilon (ps_electrochem_ocp (cell->electrochem, PS_ELECTRODE_NEG, 0.5, 298.15), 0.119017, 1e-6);
    g_assert_cmpfloat_with_epsilon (ps_electrochem_ocv_at_soc (cell->electrochem, 1.0, 298.15), 3.64856, 1e-5);
  }
}

/* a BPX file with one key replaced (value NULL: removed) must be refused
 * naming that key */
static void
check_bpx_edit (const char *group,
                const char *key,
                const char *value,
                const char *expected)
{
  g_autofree char *path = bpx_path ("FaradayInstitution-BPX/examples/nmc_pouch_cell_BPX.json");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PsCellType) cell = NULL;
  g_autofree char *tmp = NULL;
  JsonObject *o;
  int fd;

  g_assert_true (json_parser_load_from_file (parser, path, NULL));
  o = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                     "Parameterisation");
  o = json_object_get_object_member (o, group);
  if (value == NULL)
    json_object_remove_member (o, key);
  else
    {
      g_autoptr(JsonParser) vp = json_parser_new ();

      g_assert_true (json_parser_load_from_data (vp, value, -1, NULL));
      json_object_set_member (o, key, json_node_copy (json_parser_get_root (vp)));
    }
  fd = g_file_open_tmp ("ps-bpx-XXXXXX.json", &tmp, NULL);
  g_assert_cmpint (fd, >=, 0);
  close (fd);
  json_generator_set_root (gen, json_parser_get_root (parser));
  g_assert_true (json_generator_to_file (gen, tmp, NULL));
  cell = ps_bpx_cell_new_from_file (tmp, &error);
  g_unlink (tmp);
  g_assert_null (cell);
  g_assert_nonnull (error);
  if (strstr (error->message, expected) == NULL)
    g_error ("expected \"%s\" in: %s", expected, error->message);
}

static void
test_bpx_errors_name_the_field (void)
{
  check_bpx_edit ("Negative electrode", "Porosity", NULL,
                  "$.Parameterisation.Negative electrode.Porosity: missing");
  check_bpx_edit ("Negative electrode", "Porosity", "1.5",
                  "$.Parameterisation.Negative electrode.Porosity: expected a number from");
  check_bpx_edit ("Positive electrode", "Transport efficiency", "0.5",
                  "$.Parameterisation.Positive electrode.Transport efficiency: expected at most the porosity");
  check_bpx_edit ("Positive electrode", "OCP [V]", "\"4.2 - x^2\"",
                  "$.Parameterisation.Positive electrode.OCP [V]: expected an operator");
  check_bpx_edit ("Positive electrode", "OCP [V]", "\"4.2 - log(x)\"",
                  "one of the functions exp, tanh, cosh");
  check_bpx_edit ("Electrolyte", "Conductivity [S.m-1]", "{\"x\": [1, 2], \"y\": [1]}",
                  "$.Parameterisation.Electrolyte.Conductivity [S.m-1]: expected x and y of the same length");
  check_bpx_edit ("Negative electrode", "Maximum stoichiometry", "0.001",
                  "$.Parameterisation.Negative electrode.Maximum stoichiometry");
  check_bpx_edit ("Cell", "Nominal cell capacity [A.h]", NULL,
                  "$.Parameterisation.Cell.Nominal cell capacity [A.h]: missing");
  check_bpx_edit ("Separator", "Colour", "1", "$.Parameterisation.Separator.Colour: unknown member");
}

/* A BPX file opens as a scenario (the window's open dialog, --scenario):
 * the cell alone as an SPMe; its JSON carries the whole parameter set and
 * loads again to the same run. */
static void
test_bpx_scenario_round_trip (void)
{
  g_autofree char *path = bpx_path ("FaradayInstitution-BPX/examples/lfp_18650_cell_BPX.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(PsScenario) a = ps_scenario_new_from_file (path, &error);
  g_autoptr(PsScenario) b = NULL;
  g_autofree char *json = NULL;
  g_autofree char *json2 = NULL;
  double q[2];

  g_assert_no_error (error);
  g_assert_cmpstr (ps_scenario_get_cell_model (a), ==, "spme");
  json = ps_scenario_to_json (a);
  b = ps_scenario_new_from_data (json, -1, "round trip", &error);
  g_assert_no_error (error);
  /* (the cell type writes dU/dT in mV/K, so its last digits may move) */
  json2 = ps_scenario_to_json (b);
  g_assert_nonnull (strstr (json2, "\"expression\": \"3.41285712e+00 - 1.49721852e-02 * x"));
  g_assert_nonnull (strstr (json2, "\"sto_100\": 0.0875\n"));
  for (guint k = 0; k < 2; k++)
    {
      g_autoptr(PsSimulation) sim = ps_simulation_new (k ? b : a, &error);

      g_assert_no_error (error);
      while (ps_simulation_advance (sim, 30.0))
        ;
      q[k] = ps_simulation_get_charge_ah (sim);
    }
  g_assert_cmpfloat_with_epsilon (q[0], q[1], 1e-9);
  g_assert_cmpfloat (q[0], >, 1.8);
}

/* BPX's expressions: precedence and associativity as Python's */
static void
test_bpx_expressions (void)
{
  static const struct { const char *text; double x; double value; } cases[] = {
    { "x**2", 3.0, 9.0 },
    { "-x**2", 3.0, -9.0 },
    { "2**3**2", 0.0, 512.0 },
    { "2 ** -1", 0.0, 0.5 },
    { "1 - 2 - 3", 0.0, -4.0 },
    { "8 / 4 / 2", 0.0, 1.0 },
    { "(x / 1000) ** 1.5", 4000.0, 8.0 },
    { "exp(0) + tanh(0) + cosh(0)", 0.0, 2.0 },
    { "3.54866018e+14*exp(-395.7*x)", 0.1, 0.0023175641506901806 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      PsEcExpr *e = _ps_ec_expr_compile (cases[i].text, "t", "$", &error);

      g_assert_no_error (error);
      g_assert_cmpfloat_with_epsilon (_ps_ec_expr_eval (e, cases[i].x), cases[i].value,
                                      1e-6 * MAX (1.0, fabs (cases[i].value)));
      _ps_ec_expr_free (e);
    }
  for (guint i = 0; i < 4; i++)
    {
      static const char * const bad[] = { "x^2", "2*pi", "y+1", "(x" };
      g_autoptr(GError) error = NULL;

      g_assert_null (_ps_ec_expr_compile (bad[i], "t", "$", &error));
      g_assert_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/electrochem/builtin-sets", test_builtin_sets);
  g_test_add_func ("/electrochem/chen2020", test_chen2020);
  g_test_add_func ("/electrochem/marquis2019-comsol", test_marquis_comsol);
  g_test_add_func ("/electrochem/errors-name-the-member", test_errors_name_the_member);
  g_test_add_func ("/electrochem/cell-links-its-set", test_cell_links_its_set);
  g_test_add_func ("/electrochem/ai2020-ecker2015", test_ai2020_ecker2015);

  g_test_add_func ("/bpx/examples", test_bpx_examples);
  g_test_add_func ("/bpx/errors-name-the-field", test_bpx_errors_name_the_field);
  g_test_add_func ("/bpx/scenario-round-trip", test_bpx_scenario_round_trip);
  g_test_add_func ("/bpx/expressions", test_bpx_expressions);
  g_test_add_func ("/spme/charge-and-relaxation", test_spme_charge_and_relaxation);
  g_test_add_func ("/spme/step-size", test_spme_step_size);
  g_test_add_func ("/spme/save-restore-heat-temperature", test_spme_save_restore_heat_temperature);
  g_test_add_func ("/spme/in-the-engine", test_spme_in_the_engine);

  return g_test_run ();
}
