/* test-fault.c: faults against closed forms and conservation, and thermal
 * runaway propagation in a module
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ps-engine.h"
#include "ps-cell-type-private.h"
#include "ps-fault.h"
#include "ps-pack-private.h"
#include "ps-runaway.h"
#include "ps-scenario-private.h"
#include "ps-simulation.h"
#include "ps-table.h"

#define NO_VARIATION "\"variation\": {\"capacity_rel_sd\": 0, \"resistance_rel_sd\": 0, \"soc_sd\": 0}"

static PsSimulation *
sim_from_json (const char *json)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PsScenario) scenario = ps_scenario_new_from_data (json, -1, "test.json", &error);
  PsSimulation *sim;

  g_assert_no_error (error);
  sim = ps_simulation_new (scenario, &error);
  g_assert_no_error (error);
  return sim;
}

/* The current a cell branch of resistance r carries across a drop dv when
 * the cell's Butler-Volmer overpotential b asinh (i / 2 i0) adds to it
 * (i0 <= 0: no charge-transfer element): r i + eta (i) = dv, by bisection. */
static double
branch_current (double dv,
                double r,
                double b,
                double i0)
{
  double lo = 0.0, hi = dv / r;

  if (i0 <= 0.0)
    return hi;
  for (guint k = 0; k < 200; k++)
    {
      double mid = 0.5 * (lo + hi);

      if (r * mid + b * asinh (mid / (2.0 * i0)) > dv)
        hi = mid;
      else
        lo = mid;
    }
  return 0.5 * (lo + hi);
}

/* A hard internal short of cell 1 in the Leaf (2P) at rest: the shorted
 * cell's electrodes see its own branch (E, R0 and its charge-transfer
 * overpotential) and its neighbour's (the same with R0 + 2 R_tab) in
 * parallel; V solves i_cell (E - V) + i_t (E - V) = V / R_s (bisection), the
 * short takes V^2 / R_s, and the neighbour drains into it. */
static void
test_internal_short (void)
{
  const double rs = 0.1, soc = 0.8, dt = 1e-3;
  g_autofree char *json = g_strdup_printf (
    "{\"pack\": \"leaf-2011\", " NO_VARIATION ", \"initial\": {\"soc\": %g},"
    " \"protocol\": \"Rest for 10 s\","
    " \"faults\": [{\"kind\": \"internal_short\", \"cell\": 1, \"resistance_ohm\": %g}]}",
    soc, rs);
  PsSimulation *sim = sim_from_json (json);
  const PsScenario *scenario = ps_simulation_get_scenario (sim);
  const PsCellType *cell = scenario->cell;
  double r_tab = scenario->pack->r_tab_ohm;
  PsLoad rest = { PS_LOAD_REST, 0.0 };
  double e = ps_table_eval (&cell->ocv, soc);
  /* R0 and the RC branches' share over the step (exact for a constant
   * current from rest: R_k (1 - exp (-dt / R_k C_k))) */
  double r1 = ps_table_eval (&cell->r1, soc), r2 = ps_table_eval (&cell->r2, soc);
  double r = ps_table_eval (&cell->r0, soc)
             + r1 * -expm1 (-dt / (r1 * ps_table_eval (&cell->c1, soc)))
             + r2 * -expm1 (-dt / (r2 * ps_table_eval (&cell->c2, soc)));
  /* at the reference temperature: no Arrhenius factor on i0 */
  double i0 = cell->i0.n_points > 0 ? ps_table_eval (&cell->i0, soc) : 0.0;
  double b = 2.0 * PS_GAS_CONSTANT * cell->t_ref_k / PS_FARADAY;
  double v_lo = 0.0, v_hi = e, v, i_cell, i_t, p_short, eta_cell;
  const double *heat, *current, *voltage;
  double expect;

  for (guint k = 0; k < 200; k++)
    {
      double mid = 0.5 * (v_lo + v_hi);

      if (branch_current (e - mid, r, b, i0) + branch_current (e - mid, r + 2.0 * r_tab, b, i0)
          > mid / rs)
        v_lo = mid;
      else
        v_hi = mid;
    }
  v = 0.5 * (v_lo + v_hi);
  i_cell = branch_current (e - v, r, b, i0);              /* through the shorted cell's electrodes */
  i_t = branch_current (e - v, r + 2.0 * r_tab, b, i0);   /* from the neighbour, through both tabs */
  p_short = v * v / rs;
  eta_cell = e - v - r * i_cell;

  g_assert_cmpfloat (fabs (scenario->ambient_k - cell->t_ref_k), <, 1e-9);
  ps_simulation_step (sim, &rest, dt);
  heat = ps_simulation_get_cell_heat (sim);
  current = ps_simulation_get_cell_current (sim);
  voltage = ps_simulation_get_cell_voltage (sim);

  g_test_message ("V %.5f (closed form %.5f), short %.2f W, cell heat %.2f W, neighbour %.3f A",
                  voltage[0], v, p_short, heat[0], current[1]);
  /* the electrode voltage */
  g_assert_cmpfloat (fabs (voltage[0] - v), <, 2e-4 * v);
  /* the cell heats by the short's V^2/R_s, its own I^2 R (R0 and the RC branches' share) and I eta and its tab's
   * (entropic heat within 2 %) */
  expect = p_short + i_cell * i_cell * r + i_cell * eta_cell + i_t * i_t * r_tab;
  g_assert_cmpfloat (fabs (heat[0] - expect), <, 0.02 * expect);
  g_assert_cmpfloat (heat[0], >, p_short);
  /* the neighbour drains into it: the group's terminal currents cancel */
  g_assert_cmpfloat (current[1], >, 0.0);
  g_assert_cmpfloat (fabs (current[1] - i_t), <, 0.02 * i_t);
  g_assert_cmpfloat (fabs (current[0] + current[1]), <, 1e-9 * fabs (current[1]));

  /* over a minute, the shorted cell warms and both lose charge */
  ps_simulation_step (sim, &rest, 60.0);
  g_assert_cmpfloat (ps_simulation_get_cell_temp (sim)[0], >, ps_simulation_get_cell_temp (sim)[2] + 0.5);
  g_assert_cmpfloat (ps_simulation_get_cell_soc (sim)[1], <, soc);
  g_assert_cmpfloat (ps_simulation_get_cell_soc (sim)[0], <, ps_simulation_get_cell_soc (sim)[1]);
  /* the next group stays at rest: its cells' currents are the rounding of
   * their group's mean EMF (2.4e-13 A with the Leaf cell's elements), not a
   * path from the short */
  g_assert_cmpfloat_with_epsilon (ps_simulation_get_cell_soc (sim)[2], soc, 1e-12);
  ps_simulation_free (sim);
}

/* An open cell in the Leaf under a 1C discharge: its neighbour carries the
 * whole group current; every group's currents add up to the pack's. */
static void
test_open_cell (void)
{
  PsSimulation *sim = sim_from_json (
    "{\"pack\": \"leaf-2011\", " NO_VARIATION ", \"protocol\": \"Discharge at 1C for 600 s\","
    " \"faults\": [{\"kind\": \"open_cell\", \"cell\": 3, \"at_s\": 100}]}");
  const double *current;
  double pack_i;
  guint np = ps_pack_get_info (ps_simulation_get_pack (sim))->n_parallel;
  guint ns = ps_pack_get_info (ps_simulation_get_pack (sim))->n_series;
  g_autoptr (GArray) ev = NULL;
  const PsEvent *e0;

  g_assert_true (ps_simulation_advance (sim, 50.0));
  current = ps_simulation_get_cell_current (sim);
  g_assert_cmpfloat (fabs (current[2] - current[3]), <, 0.05 * fabs (current[3]));

  g_assert_true (ps_simulation_advance (sim, 100.0));
  ev = ps_event_log_copy (ps_simulation_get_events (sim), 0, G_MAXUINT);
  g_assert_cmpuint (ev->len, ==, 1);
  e0 = &g_array_index (ev, PsEvent, 0);
  g_assert_cmpint (e0->kind, ==, PS_EVENT_FAULT);
  g_assert_cmpfloat (e0->time_s, ==, 100.0);
  g_assert_cmpint (e0->cell, ==, 2);
  g_assert_cmpstr (e0->message, ==, "fault 1 starts: open cell 3 at 100 s");

  current = ps_simulation_get_cell_current (sim);
  pack_i = ps_simulation_get_pack_current (sim);
  g_assert_cmpfloat (fabs (current[2]), <, 1e-6);
  g_assert_cmpfloat (fabs (current[3] - pack_i), <, 1e-6 * pack_i);
  for (guint g = 0; g < ns; g++)
    {
      double sum = 0.0;

      for (guint p = 0; p < np; p++)
        sum += current[g * np + p];
      g_assert_cmpfloat (fabs (sum - pack_i), <, 1e-9 * pack_i);
    }
  ps_simulation_free (sim);
}

/* An external short of the whole Leaf at rest: every group carries the
 * short's current, and the pack's terminals hold I R_x. */
static void
test_external_short (void)
{
  PsSimulation *sim = sim_from_json (
    "{\"pack\": \"leaf-2011\", " NO_VARIATION ", \"protocol\": \"Rest for 60 s\","
    " \"faults\": [{\"kind\": \"external_short\", \"resistance_ohm\": 2.0}]}");
  PsLoad rest = { PS_LOAD_REST, 0.0 };
  const double *current;
  double i0;

  ps_simulation_step (sim, &rest, 0.01);
  current = ps_simulation_get_cell_current (sim);
  i0 = current[0] + current[1];
  g_test_message ("short current %.2f A, pack %.2f V", i0, ps_simulation_get_pack_voltage (sim));
  g_assert_cmpfloat (i0, >, 100.0);
  for (guint g = 1; g < 96; g++)
    g_assert_cmpfloat (fabs (current[2 * g] + current[2 * g + 1] - i0), <, 1e-9 * i0);
  g_assert_cmpfloat (fabs (ps_simulation_get_pack_voltage (sim) - i0 * 2.0), <, 1e-6 * i0 * 2.0);
  ps_simulation_free (sim);
}

/* heat generated (cells, faults, reactions) = heat stored + removed */
static void
check_heat_balance (PsSimulation *sim)
{
  double gen = ps_simulation_get_heat_generated_j (sim);
  double acc = ps_simulation_get_heat_accounted_j (sim);

  g_assert_cmpfloat (fabs (gen - acc), <=, 1e-6 * MAX (fabs (gen), 1.0));
}

/* A heater and a weak cell: the heater's energy is in the balance, the
 * weak cell has less capacity. A blocked channel's cells run hotter. */
static void
test_heater_weak_cooling (void)
{
  PsSimulation *sim = sim_from_json (
    "{\"pack\": \"leaf-2011\", " NO_VARIATION ", \"protocol\": \"Rest for 600 s\","
    " \"runaway\": {\"model\": \"off\"},"
    " \"faults\": [{\"kind\": \"heater\", \"cell\": 10, \"power_w\": 20, \"at_s\": 100, \"duration_s\": 200},"
    "              {\"kind\": \"weak_cell\", \"cell\": 11, \"capacity_factor\": 0.8, \"resistance_factor\": 1.5}]}");
  PsSimulation *plate, *blocked;
  double t_plate = 0.0, t_blocked = 0.0;
  const guint *channel_cells;
  guint first, last;

  while (ps_simulation_advance (sim, 60.0))
    ;
  g_assert_cmpfloat (fabs (ps_simulation_get_heat_generated_j (sim) - 20.0 * 200.0), <, 1e-6 * 4000.0);
  check_heat_balance (sim);
  g_assert_cmpfloat (ps_simulation_get_cell_capacity_ah (sim)[10], ==,
                     0.8 * ps_simulation_get_cell_capacity_ah (sim)[11]);
  ps_simulation_free (sim);

  /* the Volt's cold plate with and without its first channel */
  plate = sim_from_json ("{\"pack\": \"volt-2011\", " NO_VARIATION ","
                         " \"protocol\": \"Discharge at 2C for 300 s\"}");
  blocked = sim_from_json ("{\"pack\": \"volt-2011\", " NO_VARIATION ","
                           " \"protocol\": \"Discharge at 2C for 300 s\","
                           " \"faults\": [{\"kind\": \"cooling_failure\", \"channel\": 1}]}");
  while (ps_simulation_advance (plate, 60.0))
    ;
  while (ps_simulation_advance (blocked, 60.0))
    ;
  channel_cells = ps_pack_get_info (ps_simulation_get_pack (plate))->channel_cells;
  first = ps_pack_get_info (ps_simulation_get_pack (plate))->channel_offset[0];
  last = ps_pack_get_info (ps_simulation_get_pack (plate))->channel_offset[1];
  for (guint k = first; k < last; k++)
    {
      t_plate += ps_simulation_get_cell_temp (plate)[channel_cells[k]];
      t_blocked += ps_simulation_get_cell_temp (blocked)[channel_cells[k]];
    }
  g_test_message ("channel 1 mean: cooled %.2f K, blocked %.2f K",
                  t_plate / (last - first), t_blocked / (last - first));
  g_assert_cmpfloat (t_blocked, >, t_plate + 0.5 * (last - first));
  check_heat_balance (blocked);
  ps_simulation_free (plate);
  ps_simulation_free (blocked);
}

static void
test_parse (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PsPack) pack = ps_pack_new_from_id ("leaf-2011", &error);
  g_autoptr (PsScenario) scenario = NULL;
  g_autofree char *text = NULL;
  PsFault f;

  g_assert_no_error (error);
  g_assert_true (ps_fault_parse_text ("kind=internal_short,cell=57,at_s=600,resistance_ohm=0.1",
                                      pack, &f, &error));
  g_assert_no_error (error);
  g_assert_cmpint (f.kind, ==, PS_FAULT_INTERNAL_SHORT);
  g_assert_cmpuint (f.cell, ==, 57);
  text = ps_fault_to_text (&f);
  g_assert_cmpstr (text, ==, "kind=internal_short,cell=57,at_s=600,resistance_ohm=0.1");

  g_assert_false (ps_fault_parse_text ("kind=internal_short,cell=57", pack, &f, &error));
  g_assert_nonnull (strstr (error->message, "resistance_ohm: missing"));
  g_clear_error (&error);
  g_assert_false (ps_fault_parse_text ("kind=open_cell,cell=193", pack, &f, &error));
  g_assert_nonnull (strstr (error->message, "cell: expected a cell from 1 to 192, got 193"));
  g_clear_error (&error);
  g_assert_false (ps_fault_parse_text ("kind=heater,cell=1,power_w=abc", pack, &f, &error));
  g_assert_nonnull (strstr (error->message, "power_w: expected a number, got 'abc'"));
  g_clear_error (&error);
  g_assert_false (ps_fault_parse_text ("kind=nail,cell=1", pack, &f, &error));
  g_assert_nonnull (strstr (error->message, "kind: unknown kind 'nail'"));
  g_clear_error (&error);
  g_assert_false (ps_fault_parse_text ("kind=open_cell,cell=1,power_w=3", pack, &f, &error));
  g_assert_nonnull (strstr (error->message, "power_w: not a field of kind open_cell"));
  g_clear_error (&error);
  g_assert_false (ps_fault_parse_text ("kind=cooling_failure,channel=1", pack, &f, &error));
  g_assert_nonnull (strstr (error->message, "channel: pack 'leaf-2011' has no coolant channels"));
  g_clear_error (&error);

  /* JSON names the path; and the scenario writes its faults back */
  scenario = ps_scenario_new_from_data (
    "{\"pack\": \"leaf-2011\", \"faults\": [{\"kind\": \"heater\", \"cell\": 1, \"power_w\": -1}]}",
    -1, "f.json", &error);
  g_assert_null (scenario);
  g_assert_nonnull (strstr (error->message, "f.json: $.faults[0].power_w: expected a number above 0"));
  g_clear_error (&error);
  scenario = ps_scenario_new_from_data (
    "{\"pack\": \"leaf-2011\", \"runaway\": {\"model\": \"trigger\"},"
    " \"faults\": [{\"kind\": \"thermal_runaway\", \"cell\": 7, \"at_s\": 5}]}",
    -1, "f.json", &error);
  g_assert_no_error (error);
  {
    g_autofree char *out = ps_scenario_to_json (scenario);
    g_autoptr (PsScenario) again = ps_scenario_new_from_data (out, -1, "again", &error);
    guint n;
    const PsFault *faults;

    g_assert_no_error (error);
    faults = ps_scenario_get_faults (again, &n);
    g_assert_cmpuint (n, ==, 1);
    g_assert_cmpint (faults[0].kind, ==, PS_FAULT_THERMAL_RUNAWAY);
    g_assert_cmpfloat (faults[0].at_s, ==, 5.0);
    g_assert_cmpint (ps_scenario_get_runaway_model (again), ==, PS_RUNAWAY_MODEL_TRIGGER);
  }
  g_clear_pointer (&scenario, ps_scenario_free);
  scenario = ps_scenario_new_from_data (
    "{\"pack\": \"leaf-2011\", \"runaway\": {\"model\": \"off\"},"
    " \"faults\": [{\"kind\": \"thermal_runaway\", \"cell\": 7}]}", -1, "f.json", &error);
  g_assert_null (scenario);
  g_assert_nonnull (strstr (error->message, "needs a runaway model"));
}

/* --------------------------------------------------------- propagation */

/* A row of six LG M50 cells (21 mm) with gap_m between them in air of h;
 * cell 1 forced into runaway at t = 0. Returns how many cells ran away
 * within the hour and when the last did (INFINITY if not all). */
static guint
propagate (double  gap_m,
           double  h_w_m2k,
           double *last_s)
{
  double pitch = 0.021 + gap_m;
  g_autofree char *json = NULL;
  PsSimulation *sim;
  PsRunaway *rw;
  guint n = 0;
  char b[6][G_ASCII_DTOSTR_BUF_SIZE];

  json = g_strdup_printf (
    "{\"pack\": {\"id\": \"row\", \"name\": \"row of six\", \"source\": \"test\","
    " \"cell\": \"lg-m50\", \"n_series\": 6, \"n_parallel\": 1, \"r_tab_ohm\": 0, \"r_busbar_ohm\": 0,"
    " \"outline_m\": [[0, 0], [0.3, 0], [0.3, 0.05], [0, 0.05]],"
    " \"modules\": [{\"origin_m\": [0.005, 0.005], \"size_m\": [%s, %s], \"rotation_deg\": 0,"
    "   \"arrangement\": \"grid\", \"columns\": 6, \"rows\": 1, \"pitch_m\": [%s, %s],"
    "   \"cell_orientation\": \"upright\", \"groups\": 6, \"order\": \"columns\"}],"
    " \"cooling\": {\"kind\": \"air\", \"h_w_m2k\": %s, \"exposed_area_fraction\": 0.5},"
    " \"conduction\": {\"contact_w_m2k\": 1000, \"module_contact_w_m2k\": 50,"
    "   \"filler_k_w_mk\": 0.2, \"max_gap_m\": 0.01}},"
    " " NO_VARIATION ", \"protocol\": \"Rest for 1 hour\","
    " \"faults\": [{\"kind\": \"thermal_runaway\", \"cell\": 1}]}",
    g_ascii_dtostr (b[0], sizeof b[0], 6 * pitch + 0.002),
    g_ascii_dtostr (b[1], sizeof b[1], pitch + 0.002),
    g_ascii_dtostr (b[2], sizeof b[2], pitch), g_ascii_dtostr (b[3], sizeof b[3], pitch),
    g_ascii_dtostr (b[4], sizeof b[4], h_w_m2k));
  sim = sim_from_json (json);
  while (ps_simulation_advance (sim, 30.0))
    {
      const double *t = ps_simulation_get_cell_temp (sim);

      for (guint i = 0; i < 6; i++)
        g_assert_true (isfinite (t[i]));
    }
  check_heat_balance (sim);
  rw = ps_simulation_get_runaway (sim);
  *last_s = 0.0;
  for (guint i = 0; i < 6; i++)
    {
      double t = ps_runaway_get_stage_time (rw, i, PS_RUNAWAY_RUNAWAY);

      if (!isnan (t))
        {
          n++;
          *last_s = MAX (*last_s, t);
        }
    }
  if (n < 6)
    *last_s = INFINITY;
  ps_simulation_free (sim);
  return n;
}

static void
test_propagation (void)
{
  const double gaps[] = { 0.0005, 0.001, 0.002, 0.004 };
  const double hs[] = { 3.0, 5.0, 8.0, 20.0 };
  guint n_prev = G_MAXUINT;
  double last_prev = 0.0;

  for (guint k = 0; k < G_N_ELEMENTS (gaps); k++)
    {
      double last;
      guint n = propagate (gaps[k], 5.0, &last);

      g_test_message ("gap %.1f mm: %u cells ran away, the last at %.0f s", gaps[k] * 1e3, n, last);
      /* the reactions' heat reaches the neighbours: all six at the
       * smallest gap */
      if (k == 0)
        g_assert_cmpuint (n, ==, 6);
      g_assert_cmpuint (n, >=, 1);
      /* more spacing: never more cells, never sooner */
      g_assert_cmpuint (n, <=, n_prev);
      if (n == n_prev)
        g_assert_cmpfloat (last, >=, last_prev);
      n_prev = n;
      last_prev = last;
    }
  n_prev = G_MAXUINT;
  last_prev = 0.0;
  for (guint k = 0; k < G_N_ELEMENTS (hs); k++)
    {
      double last;
      guint n = propagate (0.001, hs[k], &last);

      g_test_message ("h %.0f W/m2K: %u cells ran away, the last at %.0f s", hs[k], n, last);
      /* and enough cooling stops it */
      if (k == G_N_ELEMENTS (hs) - 1)
        g_assert_cmpuint (n, <, 6);
      g_assert_cmpuint (n, <=, n_prev);
      if (n == n_prev)
        g_assert_cmpfloat (last, >=, last_prev);
      n_prev = n;
      last_prev = last;
    }
}

/* One cell forced into runaway in a whole pack runs to the end: no NaN,
 * the heat balance holds, the cell burns out and released + what its
 * reactants still hold = what they held. */
static void
check_preset_runaway (const char *pack,
                      guint       cell,
                      const char *model)
{
  g_autofree char *json = g_strdup_printf (
    "{\"pack\": \"%s\", \"protocol\": \"Rest for 20 min\", \"runaway\": {\"model\": \"%s\"},"
    " \"faults\": [{\"kind\": \"thermal_runaway\", \"cell\": %u, \"at_s\": 10}]}",
    pack, model, cell);
  PsSimulation *sim = sim_from_json (json);
  PsRunaway *rw;
  guint n = ps_pack_get_info (ps_simulation_get_pack (sim))->n_cells;
  guint n_runaway_events;
  double peak = 0.0;

  while (ps_simulation_advance (sim, 30.0))
    {
      const double *t = ps_simulation_get_cell_temp (sim);
      const double *v = ps_simulation_get_cell_voltage (sim);
      const double *soc = ps_simulation_get_cell_soc (sim);

      for (guint i = 0; i < n; i++)
        {
          g_assert_true (isfinite (t[i]) && isfinite (v[i]));
          /* (balancing currents in a group may carry a full cell past 1 by
           * the 1 % the cell model allows, PS_OCV_ROOM) */
          g_assert_true (soc[i] >= -0.01 && soc[i] <= 1.01);
          peak = MAX (peak, t[i]);
        }
    }
  check_heat_balance (sim);
  rw = ps_simulation_get_runaway (sim);
  n_runaway_events = ps_event_log_count_kind (ps_simulation_get_events (sim), PS_EVENT_RUNAWAY);
  g_test_message ("%s (%s): peak %.0f C, %u cells ran away, cell %u released %.0f kJ of %.0f kJ",
                  pack, model, peak - 273.15, ps_runaway_count_at_least (rw, PS_RUNAWAY_RUNAWAY),
                  cell, ps_runaway_get_released_j (rw)[cell - 1] / 1e3,
                  ps_runaway_get_available_j (rw) / 1e3);
  g_assert_cmpuint (ps_runaway_get_stage (rw)[cell - 1], ==, PS_RUNAWAY_BURNT);
  g_assert_cmpuint (n_runaway_events, ==, ps_runaway_count_at_least (rw, PS_RUNAWAY_RUNAWAY));
  g_assert_cmpfloat (peak, >, 573.15);
  g_assert_cmpfloat (fabs (ps_runaway_get_released_j (rw)[cell - 1]
                           + ps_runaway_get_remaining_j (rw, cell - 1)
                           - ps_runaway_get_available_j (rw)), <=, 1e-9 * ps_runaway_get_available_j (rw));
  ps_simulation_free (sim);
}

/* A runaway outlives the protocol: a discharge ends at the cells'
 * temperature limit (or the BMS opens the contactor), and the pack rests
 * while its reactions run out. */
static void
test_runaway_after_end (void)
{
  PsSimulation *sim = sim_from_json (
    "{\"pack\": \"leaf-2011\", \"protocol\": \"Discharge at 1C for 10 minutes\", \"bms\": true,"
    " \"faults\": [{\"kind\": \"thermal_runaway\", \"cell\": 57, \"at_s\": 30}]}");
  PsRunaway *rw;

  while (ps_simulation_advance (sim, 60.0))
    ;
  rw = ps_simulation_get_runaway (sim);
  g_test_message ("ended at %.0f s", ps_simulation_get_time (sim));
  g_assert_true (ps_simulation_is_finished (sim));
  g_assert_cmpuint (ps_runaway_get_stage (rw)[56], ==, PS_RUNAWAY_BURNT);
  g_assert_false (ps_runaway_is_reacting (rw));
  g_assert_cmpuint (ps_event_log_count_kind (ps_simulation_get_events (sim),
                                             PS_EVENT_CONTACTOR_OPEN), ==, 1);
  check_heat_balance (sim);
  ps_simulation_free (sim);
}

static void
test_runaway_presets (void)
{
  check_preset_runaway ("leaf-2011", 57, "arrhenius");
  check_preset_runaway ("leaf-2011", 57, "trigger");
  check_preset_runaway ("model-s-85", 3000, "arrhenius");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fault/parse", test_parse);
  g_test_add_func ("/fault/internal-short", test_internal_short);
  g_test_add_func ("/fault/open-cell", test_open_cell);
  g_test_add_func ("/fault/external-short", test_external_short);
  g_test_add_func ("/fault/heater-weak-cooling", test_heater_weak_cooling);
  g_test_add_func ("/fault/propagation", test_propagation);
  g_test_add_func ("/fault/runaway-presets", test_runaway_presets);
  g_test_add_func ("/fault/runaway-after-end", test_runaway_after_end);

  return g_test_run ();
}
