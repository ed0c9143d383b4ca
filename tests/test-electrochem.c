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

  return g_test_run ();
}
