#!/usr/bin/python3
"""Write resources/cells/*.json, the built-in cell types.

Every number is either taken from a cited source or derived here in code from
cited numbers (half-cell OCP fits, Chen2020 / Prada2013 electrode parameters,
the ORNL Leaf-cell fit in leaf-fit.json written by fit-leaf.py). For each cell
the script checks what the engine's acceptance test checks: a C/3 discharge at
25 C from SOC 1 to voltage_min_v must deliver capacity_ah within 3 % and the
per-cell share of the published pack energy within 5 %.

    /usr/bin/python3 resources/cells/fit/make-cells.py          # write the files
    /usr/bin/python3 resources/cells/fit/make-cells.py --check  # only print the check
"""
import json
import re
import math
import os
import sys

import numpy as np
from scipy.optimize import brentq

import cellmodel as cm

HERE = os.path.dirname(os.path.abspath(__file__))
CELLS = os.path.dirname(HERE)
SHARED = os.environ.get("PS_SHARED_DATA",
                        os.path.join(HERE, "..", "..", "..", "..", "shared", "data"))
FACTS = "shared/data/presets/FACTS.md"


def r6(values, digits=6):
    return [float("%.*g" % (digits, v)) for v in values]


def soc_grid_fine(n_mid=21):
    """0..1 with extra points near both ends, where OCV curves bend."""
    ends = [0.0, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075]
    mid = list(np.linspace(0.1, 0.9, n_mid - 4))
    top = [0.925, 0.95, 0.97, 0.98, 0.99, 1.0]
    return np.array(ends + mid + top)


KNEE_EXTENSION = 0.01

# What tests/test-cell.c last printed for the shipped aesc-leaf-2011 cell
# (copy its g_test_message figures here when the cell changes).
ENGINE_CHECK = (
    "HPPC 25 C 2.6 mV over the 12 h record (pulses 3.0 mV), HPPC 10 C 7.8 mV (pulses 8.4 mV), "
    "HPPC 40 C 8.7 mV (pulses 5.6 mV); "
    "1C / 2C / 3C discharges 11.7 / 19.4 / 29.2 mV (first 90 % of the charge 10.2 / 16.9 / 28.9 mV), "
    "charge to 3.0 V 30.31 / 29.90 / 29.12 Ah simulated against 30.33 / 29.96 / 28.62 Ah measured "
    "(the diffusion element makes the charge fall with the rate; a 2-RC cell gave 30.17 / 29.87 / 29.66 Ah); "
    "peak surface 28.3 / 34.7 / 42.8 C simulated against 29.1 / 35.3 / 43.0 C measured (hottest "
    "thermocouple), surface temperature 0.63 / 0.69 / 0.82 K RMS over the discharge and 40 min of rest "
    "(mean of three thermocouples). The issue's 15 / 20 / 30 mV targets are met at all three rates, with "
    "the peaks within 0.9 K (the issue allows 1 K; the fit's objective penalises exceeding either).")


M50_SHIP_FIT = True
# what tests/test-validation.c prints for the shipped lg-m50 ECM against its DFN
M50_ENGINE_CHECK = "0.5C / 1C / 2C 9.0 / 8.3 / 16.0 mV (2-RC before: 11.0 / 27.5 / 52.2 mV, fit-m50-ecm.c)"


def leaf_soc(soc):
    """ORNL SOC (1 at 4.2 V full, 0 where the HPPC's 10 A reached 3.0 V) on
    the table's scale, whose 0 lies KNEE_EXTENSION further down the knee."""
    return (np.asarray(soc, dtype=float) + KNEE_EXTENSION) / (1.0 + KNEE_EXTENSION)


def leaf_ocv(fit):
    """The ORNL OCV with the knee continued by 1 % of SOC to 2.80 V, so that a
    C/3 discharge reaches the 3.0 V cut-off before SOC 0 (within 1 % of it)
    instead of running into the clamped end of the table."""
    soc = np.concatenate(([0.0], leaf_soc(fit["ocv_soc"])))
    v = np.concatenate(([2.80], fit["ocv_v"]))
    return soc, v


def leaf_tables(fit):
    """dU/dT and ECM grids on the same SOC scale as leaf_ocv."""
    return leaf_soc(fit["dudt_soc"]), leaf_soc(fit["ecm_soc"])


def cell_json(ident, name, chemistry, source, capacity_ah, v_min, v_nom, v_max,
              i_dis, i_chg, ocv_soc, ocv_v, dudt_soc, dudt_mv_k, ecm_soc, r0, r1,
              c1, r2, c2, ea_r0, ea_rc, mass, cp, area, k_through, k_in_plane,
              t_min, t_max, geometry):
    return {
        "id": ident,
        "name": name,
        "chemistry": chemistry,
        "source": source,
        "capacity_ah": round(capacity_ah, 4),
        "voltage_min_v": v_min,
        "voltage_nominal_v": v_nom,
        "voltage_max_v": v_max,
        "current_max_discharge_a": i_dis,
        "current_max_charge_a": i_chg,
        "temperature_ref_c": 25.0,
        "ocv": {"soc": r6(ocv_soc), "voltage_v": r6(ocv_v)},
        "dudt": {"soc": r6(dudt_soc), "dudt_mv_k": r6(dudt_mv_k, 4)},
        "ecm": {"soc": r6(ecm_soc), "r0_ohm": r6(r0, 4), "r1_ohm": r6(r1, 4),
                "c1_f": r6(c1, 4), "r2_ohm": r6(r2, 4), "c2_f": r6(c2, 4)},
        "ea_r0_j_mol": round(ea_r0),
        "ea_rc_j_mol": round(ea_rc),
        "thermal": {"mass_kg": mass, "cp_j_kg_k": round(cp), "surface_area_m2": area,
                    "k_through_w_mk": k_through, "k_in_plane_w_mk": k_in_plane,
                    "temperature_min_c": t_min, "temperature_max_c": t_max},
        "geometry": geometry,
    }


def with_capacity(d, capacity_ah):
    d = dict(d)
    d["capacity_ah"] = round(capacity_ah, 4)
    return d


def capacity_for_energy(d, target_wh):
    """capacity_ah such that the C/3 discharge gives target_wh (the OCV shape
    fixed; the C-rate current follows the capacity)."""
    q = d["capacity_ah"]
    for _ in range(6):
        ah, wh, _h = cm.c3_discharge(cm.Cell(with_capacity(d, q)))
        q = q * target_wh / wh
    return q


# --- electrochemical derivation of 2-RC parameters ---------------------------

def derive_ecm_from_p2d(p, soc):
    """Small-signal 2-RC parameters of a porous-electrode cell from its physical
    parameters (SI), at each SOC:
      R0 = electrolyte ohmic (Bruggeman, 1/3 of each electrode plus separator)
           + solid-phase ohmic (1/3 of each electrode)
           + charge transfer RT/(F j0 a L A) of both electrodes (linearised
             Butler-Volmer, alpha 0.5; the double-layer time constants are
             milliseconds, far below a step, so it is lumped into R0)
      R1, R2 = solid diffusion of the negative / positive particles:
           R = |dU/dc| Rp / (5 D a L F A) (steady parabolic profile),
           tau = Rp^2 / (20.19 D) (first mode of a sphere under constant flux,
           tan(l) = l, l = 4.4934), C = tau / R.
    Returns r0, r1, c1, r2, c2 arrays and the R0 activation energy fitted to
    R0(10 C) / R0(40 C) at 50 % SOC."""
    A = p["area"]
    T = cm.T_REF

    def kappa_eff(eps, b):
        return p["kappa"] * eps ** b

    r_el = (p["Ln"] / (3 * kappa_eff(p["eps_n"], p["b_n"]))
            + p["Ls"] / kappa_eff(p["eps_s"], p["b_s"])
            + p["Lp"] / (3 * kappa_eff(p["eps_p"], p["b_p"]))) / A
    r_solid = (p["Ln"] / (3 * p["sigma_n"] * p["am_n"] ** p["bs_n"])
               + p["Lp"] / (3 * p["sigma_p"] * p["am_p"] ** p["bs_p"])) / A

    aLn = 3 * p["am_n"] / p["Rn"] * p["Ln"]
    aLp = 3 * p["am_p"] / p["Rp"] * p["Lp"]

    def r_ct(soc_, temp):
        x = p["x0"] + soc_ * (p["x100"] - p["x0"])
        y = p["y0"] + soc_ * (p["y100"] - p["y0"])
        arr_n = math.exp(p["E_n"] / cm.R_GAS * (1 / cm.T_REF - 1 / temp))
        arr_p = math.exp(p["E_p"] / cm.R_GAS * (1 / cm.T_REF - 1 / temp))
        cn = x * p["cmax_n"]
        cp_ = y * p["cmax_p"]
        j0n = p["m_n"] * arr_n * p["ce"] ** 0.5 * (cn * (p["cmax_n"] - cn)) ** 0.5
        j0p = p["m_p"] * arr_p * p["ce"] ** 0.5 * (cp_ * (p["cmax_p"] - cp_)) ** 0.5
        rt_f = cm.R_GAS * temp / cm.F
        return rt_f / (j0n * aLn * A) + rt_f / (j0p * aLp * A)

    r0 = np.array([r_el + r_solid + r_ct(s, T) for s in soc])

    def r_diff(u, soc_, x0, x100, cmax, Rp, D, aL):
        x = x0 + soc_ * (x100 - x0)
        h = 1e-4
        dudx = abs(float(u(x + h) - u(x - h)) / (2 * h))
        return dudx / cmax * Rp / (5 * D * aL * cm.F * A)

    r1 = np.array([r_diff(p["u_n"], s, p["x0"], p["x100"], p["cmax_n"], p["Rn"],
                          p["D_n"], aLn) for s in soc])
    r2 = np.array([r_diff(p["u_p"], s, p["y0"], p["y100"], p["cmax_p"], p["Rp"],
                          p["D_p"], aLp) for s in soc])
    # a resistance of zero cannot be an RC pair: floor at 2 % of the median
    r1 = np.maximum(r1, 0.02 * np.median(r1))
    r2 = np.maximum(r2, 0.02 * np.median(r2))
    tau1 = p["Rn"] ** 2 / (20.19 * p["D_n"])
    tau2 = p["Rp"] ** 2 / (20.19 * p["D_p"])
    c1 = tau1 / r1
    c2 = tau2 / r2

    r0_cold = r_el + r_solid + r_ct(0.5, 283.15)
    r0_hot = r_el + r_solid + r_ct(0.5, 313.15)
    ea_r0 = cm.R_GAS * math.log(r0_cold / r0_hot) / (1 / 283.15 - 1 / 313.15)
    return r0, r1, c1, r2, c2, ea_r0, tau1, tau2


def electrode_windows(u_pos, u_neg, q_n, q_p, x100, y100, v0):
    """Electrode stoichiometries at 0 % SOC from the 100 % ones, conservation of
    cyclable lithium (q_n x + q_p y constant) and OCV(0 %) = v0."""
    li = q_n * x100 + q_p * y100

    def f(x0):
        y0 = (li - q_n * x0) / q_p
        return float(u_pos(y0) - u_neg(x0)) - v0

    x0 = brentq(f, 1e-4, x100 - 0.05)
    return x0, (li - q_n * x0) / q_p


# --- the cells -------------------------------------------------------------

def pulse_resistance(fit, soc, seconds):
    """R(t) = R0 + R1 (1 - e^-t/tau1) + R2 (1 - e^-t/tau2) at 25 C."""
    e = {k: np.interp(soc, fit["ecm_soc"], fit[k]) for k in ("r0_ohm", "r1_ohm", "c1_f", "r2_ohm", "c2_f")}
    return (e["r0_ohm"] + e["r1_ohm"] * (1 - math.exp(-seconds / (e["r1_ohm"] * e["c1_f"])))
            + e["r2_ohm"] * (1 - math.exp(-seconds / (e["r2_ohm"] * e["c2_f"]))))


def leaf_ecm_fit():
    """The Leaf cell's diffusion and kinetics as tests/fit-leaf-ecm.c fitted
    them (leaf-ecm-fit.json), or None before that fit exists."""
    path = os.path.join(HERE, "leaf-ecm-fit.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def m50_ecm_fit():
    """The LG M50's elements as tests/fit-m50-ecm.c fitted them to that
    cell's own DFN (m50-ecm-fit.json), or None before that fit exists."""
    path = os.path.join(HERE, "m50-ecm-fit.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def bv_eta(current_a, i0_a, t_k=298.15):
    """Symmetric Butler-Volmer overpotential, V (ps-ecm.c)."""
    return 2.0 * 8.314462618 * t_k / 96485.33212 * math.asinh(current_a / (2.0 * i0_a))


def make_leaf_2011(fit):
    ocv_soc, ocv_v = leaf_ocv(fit)
    dudt_soc, ecm_soc = leaf_tables(fit)
    fit_src = fit.get("summary", "provisional numbers from FACTS.md section 6 (fit-leaf.py not yet run)")
    # fit-leaf.py's own voltage figures are RMS over log rows of its lumped
    # model; the figures the cell is held to are the engine's, over time
    fit_src = re.sub(r", voltage RMS \d+ mV", "", fit_src)
    capacity = round(fit["hppc_ah_total"] * (1.0 + KNEE_EXTENSION), 1)
    probe = cell_json(
        "aesc-leaf-2011", "", "", [], capacity, 3.0, 3.78, 4.2, 130.0, 70.0,
        ocv_soc, ocv_v, dudt_soc, fit["dudt_mv_k"], ecm_soc,
        fit["r0_ohm"], fit["r1_ohm"], fit["c1_f"], fit["r2_ohm"], fit["c2_f"],
        fit["ea_r0_j_mol"], fit["ea_rc_j_mol"], 0.799, fit["cp_j_kg_k"], 0.067569,
        0.52, 26.6, -30.0, 60.0, {})
    _ah, cell_wh, _h = cm.c3_discharge(cm.Cell(probe))
    pack_kwh = cell_wh * 192 / 1000.0
    compare = ("Compared with FACTS.md's own reduction of the same data (R0 1.6, R(10 s) 2.0, R(30 s) 2.5 mOhm "
               "at 25 C; tau1 15-20 s): this fit gives R(1 s) %.2f, R(10 s) %.2f, R(30 s) %.2f mOhm at 50 %% SOC, "
               "with a slower first RC pair; FACTS' Ea 24 kJ/mol (10-25 C) vs %.0f here (10-40 C regression)."
               % (pulse_resistance(fit, 0.5, 1.0) * 1e3, pulse_resistance(fit, 0.5, 10.0) * 1e3,
                  pulse_resistance(fit, 0.5, 30.0) * 1e3, fit["ea_r0_j_mol"]))
    source = [
        "AESC cell of the Nissan Leaf 2011 (ZE0) 24 kWh pack, 2P96S, 192 cells.",
        "Capacity %.1f Ah: what the measured ORNL cell (2013 AZE0, same family) holds on the table's SOC "
        "scale, %.2f Ah from 4.2 V to 3.0 V at 10 A in the 25 C HPPC plus the 1 %% SOC knee extension below "
        "(it delivers 30.3 / 30.0 / 28.6 Ah at 1C / 2C / 3C). The cell is rated 33.1 Ah (ORNL params.py, "
        % (capacity, fit["hppc_ah_total"]) + FACTS + " section 1/6), but no measurement here shows that "
        "rating: a 33.1 Ah cell on this OCV delivered 2-3 Ah more than the measured cell at 1C-3C.",
        "Pack energy: the Leaf's 24 kWh is Nissan's nameplate for the rated cells (33.1 Ah x 2 x 96 x 3.78 V "
        "= 24.0 kWh). With the measured cell the leaf-2011 pack holds %.1f kWh from 4.2 V to 3.0 V at C/3 "
        "(make-cells.py, %.1f Wh a cell), the nameplate scaled by the measured over the rated capacity "
        "(24 kWh x %.1f / 33.1 = %.1f kWh); it is not stretched to 24 kWh." % (
            pack_kwh, cell_wh, capacity, 24.0 * capacity / 33.1),
        "OCV(SOC), dU/dT(SOC), R0/R1/C1/R2/C2(SOC) at 25 C, activation energies and cp: fitted in "
        "resources/cells/fit/fit-leaf.py to ORNL measurements of that cell (shared/data/experimental/"
        "ornl-leaf-cell, batterysim/equiv-circ-model examples/data, MIT): " + fit_src,
        compare,
        "OCV knee continued by 1 % SOC to 2.80 V below the last relaxed point (extrapolated) so the "
        "3.0 V cut-off is reached at C/3 before SOC 0.",
        "Voltage window 3.0-4.2 V: ORNL test window; pack maximum 403.2 V / 96 = 4.2 V (mobility.lk, FACTS section 1).",
        "Mass 0.799 kg, convective area 0.067569 m2 (ORNL params.py); h = 9.5 W/m2K was the test chamber's.",
        "Thermal conductivity 0.52 through / 26.6 in-plane W/mK: 20 Ah LFP pouch, arXiv anisotropic pouch "
        "characterisation (FACTS section 7), no Leaf-specific value found.",
        "Size 290 x 216 x 6.1 mm is UNVERIFIED (FACTS section 1); it fits the 35 mm 4-cell module.",
        "Current limits: 130 A discharge ~ 80 kW motor / ~330 V / 2 parallel; 70 A charge ~ 50 kW CHAdeMO / "
        "360 V / 2 (FACTS sections 2, 9) [derived].",
        "Temperature limits -30..60 C: typical Li-ion operating window [assumption].",
        "Checked as shipped, in the engine (tests/test-cell.c: a one-cell pack in ORNL's chamber, "
        "tests/data/ornl-one-cell-pack.json, driven with the measured current; voltage RMS over time, not "
        "over log rows): " + ENGINE_CHECK,
    ]
    ecm = leaf_ecm_fit()
    r0 = np.array(fit["r0_ohm"], dtype=float)
    r1 = np.array(fit["r1_ohm"], dtype=float)
    r2 = np.array(fit["r2_ohm"], dtype=float)
    cp = fit["cp_j_kg_k"]
    if ecm:
        # the 30 A pulses' 1 s drop held the charge-transfer overpotential:
        # R0 keeps the rest (tests/fit-leaf-ecm.c does the same)
        r0 = r0 - bv_eta(ecm["r0_pulse_a"], ecm["i0_a"]) / ecm["r0_pulse_a"]
        r1[0] *= ecm["knee_r1_scale"]
        r2[0] *= ecm["knee_r2_scale"]
        # the HPPC's RC pairs held some of what the diffusion element
        # carries now: both scaled over all SOC by the same fit
        r1 *= ecm.get("r1_scale", 1.0)
        r2 *= ecm.get("r2_scale", 1.0)
        cp = ecm["cp_j_kg_k"]
        source.insert(-1, (
            "Solid diffusion, Butler-Volmer charge transfer, electrolyte polarisation, R1/R2 (over all SOC and on the "
            "knee, the first ECM point), the activation energies above 25 C, cp and "
            "the chamber's h: fitted in tests/fit-leaf-ecm.c (Nelder-Mead through the engine itself) to ORNL's "
            "1C/2C/3C discharges of that cell (voltage over time, surface temperature over the discharge and "
            "40 min of rest after it) and its 25 C, 10 C and 40 C HPPC records (shared/data/experimental/"
            "ornl-leaf-cell): tau_d %s s at mean SOC %s (Ea %.0f J/mol), i0 %.2f A (Ea %.0f J/mol) with R0 "
            "less eta(%g A) / %g A = %.3f mOhm, R1 x%.3f and R2 x%.3f over all SOC (the HPPC's pairs held "
            "part of the particles' diffusion), knee R1 x%.3f and R2 x%.3f more, cp %.0f J/kgK. Every "
            "activation energy x%.3f above 25 C (ea_scale_above_ref): the 40 C HPPC's pulses lose little "
            "resistance against 25 C (1 s: 1.60 mOhm at both mid-SOC, 2.7 at 10 C), and through the 3C "
            "discharge, warming 18 K, the cell's resistance does not fall. The cool-down "
            "after the discharges (time constant about 900 s) asks for h = %.1f W/m2K in ORNL's chamber "
            "(natural convection with radiation and the support; ORNL's own model used 9.5 with a fitted cp "
            "of 1600), which tests/data/ornl-one-cell-pack.json carries; %s." % (
                " / ".join("%g" % t for t in ecm["tau_s"]),
                " / ".join("%g" % x for x in ecm["tau_soc"]), ecm["ea_diffusion_j_mol"],
                ecm["i0_a"], ecm["ea_i0_j_mol"], ecm["r0_pulse_a"], ecm["r0_pulse_a"],
                bv_eta(ecm["r0_pulse_a"], ecm["i0_a"]) / ecm["r0_pulse_a"] * 1e3,
                ecm.get("r1_scale", 1.0), ecm.get("r2_scale", 1.0),
                ecm["knee_r1_scale"], ecm["knee_r2_scale"], ecm["cp_j_kg_k"],
                ecm.get("ea_scale_above_ref", 1.0), ecm["chamber_h_w_m2k"],
                ("electrolyte polarisation with I_lim %.0f A, tau %.0f s, scale %.3f V (Ea %.0f J/mol)" % (
                    ecm["electrolyte"]["limiting_current_a"], ecm["electrolyte"]["tau_s"],
                    ecm["electrolyte"]["voltage_scale_v"], ecm["electrolyte"]["ea_j_mol"]))
                if ecm.get("electrolyte") else "the electrolyte element was tried and left out by the fit")))
    d = cell_json(
        "aesc-leaf-2011", "AESC Nissan Leaf 2011 cell (33 Ah rated, 30.8 Ah measured, LMO pouch)",
        "LMO-LNO/graphite",
        source, capacity, 3.0, 3.78, 4.2, 130.0, 70.0,
        ocv_soc, ocv_v, dudt_soc, fit["dudt_mv_k"], ecm_soc,
        r0, r1, fit["c1_f"], r2, fit["c2_f"],
        fit["ea_r0_j_mol"], fit["ea_rc_j_mol"], 0.799, cp, 0.067569,
        0.52, 26.6, -30.0, 60.0,
        {"shape": "pouch", "length_m": 0.290, "width_m": 0.216, "thickness_m": 0.0061})
    if ecm:
        d["diffusion"] = {"soc": ecm["tau_soc"], "tau_s": ecm["tau_s"],
                          "ea_j_mol": ecm["ea_diffusion_j_mol"]}
        d["charge_transfer"] = {"soc": [0.0, 1.0], "i0_a": [ecm["i0_a"], ecm["i0_a"]],
                                "ea_j_mol": ecm["ea_i0_j_mol"]}
        if ecm.get("electrolyte"):
            d["electrolyte"] = ecm["electrolyte"]
        if "ea_scale_above_ref" in ecm:
            d["ea_scale_above_ref"] = ecm["ea_scale_above_ref"]
    return d


def make_leaf_2018(fit):
    q = 56.3
    scale = 33.1 / q
    ocv_soc, ocv_v = leaf_ocv(fit)
    dudt_soc, ecm_soc = leaf_tables(fit)
    # 40 kWh pack 303 kg; the 24 kWh pack's cells are 192 x 0.799 = 153 kg of
    # 294 kg (52 %); the same share of 303 kg gives 0.82 kg per cell [X]
    mass = round(0.52 * 303.0 / 192.0, 3)
    thickness = round(mass / (0.799 / (0.290 * 0.216 * 0.0061)) / (0.290 * 0.216), 4)
    source = [
        "AESC 56.3 Ah cell of the Nissan Leaf 2018 (ZE1) 40 kWh pack, 2P96S, 192 cells "
        "(carhackingwiki via " + FACTS + " section 2).",
        "No published ECM or OCV data (FACTS section 6): SCALED FROM THE LEAF 2011 CELL. OCV(SOC) and dU/dT "
        "are the fitted ORNL Leaf-cell curves (aesc-leaf-2011); R0, R1, R2 are the Leaf-cell values x 33.1/56.3 "
        "and C1, C2 x 56.3/33.1 (same time constants), as FACTS suggests (R0 ~0.95 mOhm). The 2018 cell's "
        "chemistry differs (more nickel), so this is an assumption.",
        "Pack 40 kWh / 192 = 208 Wh per cell, nominal 3.7 V = 208 Wh / 56.3 Ah; with the Leaf OCV the C/3 "
        "energy is checked by make-cells.py.",
        "Mass 0.82 kg [X]: the 2011 pack's cell share of mass (192 x 0.799 / 294 kg = 52 %) applied to the "
        "303 kg 40 kWh pack (Battery-Emulator wiki, FACTS section 2). Convective area and cp as the 2011 cell "
        "(fitted cp); same footprint, thickness from the 2011 cell's density (UNVERIFIED, FACTS: 'Gen-1 footprint').",
        "Current limits: 150 A discharge (110 kW motor / ~350 V / 2) and 70 A charge (50 kW CHAdeMO / "
        "~360 V / 2, owner's manual via FACTS section 2) [derived].",
    ]
    return cell_json(
        "aesc-leaf-2018", "AESC Nissan Leaf 2018 cell (56.3 Ah pouch)", "LMO-NMC/graphite",
        source, q, 3.0, 3.7, 4.2, 150.0, 70.0,
        ocv_soc, ocv_v, dudt_soc, fit["dudt_mv_k"], ecm_soc,
        np.array(fit["r0_ohm"]) * scale, np.array(fit["r1_ohm"]) * scale,
        np.array(fit["c1_f"]) / scale, np.array(fit["r2_ohm"]) * scale,
        np.array(fit["c2_f"]) / scale,
        fit["ea_r0_j_mol"], fit["ea_rc_j_mol"], mass, fit["cp_j_kg_k"],
        round(0.067569, 6), 0.52, 26.6, -30.0, 60.0,
        {"shape": "pouch", "length_m": 0.290, "width_m": 0.216, "thickness_m": thickness})


def make_volt_2011(fit):
    ocv_soc, ocv_v = leaf_ocv(fit)
    dudt_soc, ecm_soc = leaf_tables(fit)
    target_wh = 16000.0 / 288.0
    # LG Chem's Volt cell: Mn-spinel (LMO) blend like the Leaf's, so the measured
    # Leaf OCV shape is the closest published curve [X]
    q_guess = 15.0
    scale = 33.1 / q_guess
    d = cell_json(
        "lg-volt-2011", "LG Chem Chevrolet Volt 2011 cell (15 Ah pouch)", "LMO-NMC/graphite",
        [], q_guess, 3.0, 3.75, 4.2, 0, 0,
        ocv_soc, ocv_v, dudt_soc, fit["dudt_mv_k"], ecm_soc,
        np.array(fit["r0_ohm"]) * scale, np.array(fit["r1_ohm"]) * scale,
        np.array(fit["c1_f"]) / scale, np.array(fit["r2_ohm"]) * scale,
        np.array(fit["c2_f"]) / scale, fit["ea_r0_j_mol"], fit["ea_rc_j_mol"],
        0.0, fit["cp_j_kg_k"], 0.0, 0.52, 26.6, -30.0, 60.0, {})
    q = capacity_for_energy(d, target_wh)
    d["capacity_ah"] = round(q, 3)
    d["voltage_nominal_v"] = round(target_wh / q, 2)
    # mass at the Leaf cell's specific energy (same chemistry family) [X]
    mass = round(0.799 * target_wh / 125.0, 3)
    density = 0.799 / (0.290 * 0.216 * 0.0061)
    thickness = 0.0055
    face = mass / density / thickness
    width = 0.150
    length = round(face / width, 3)
    d["thermal"]["mass_kg"] = mass
    d["thermal"]["surface_area_m2"] = round(2 * length * width, 5)
    d["current_max_discharge_a"] = round(111000.0 / 330.0 / 3.0)
    d["current_max_charge_a"] = round(q, 1)
    d["geometry"] = {"shape": "pouch", "length_m": length, "width_m": width, "thickness_m": thickness}
    d["source"] = [
        "LG Chem pouch cell of the Chevrolet Volt 2011 16 kWh pack, 3P96S, 288 cells "
        "(CompositesWorld via " + FACTS + " section 4).",
        "No published OCV or resistance data (FACTS section 6). OCV(SOC) and dU/dT: the fitted ORNL curves of the "
        "AESC Leaf cell (aesc-leaf-2011), the closest measured Mn-spinel blend cathode [assumption].",
        "Capacity %.2f Ah [X]: chosen by make-cells.py so that a C/3 discharge at 25 C from full to 3.0 V gives "
        "16 kWh / 288 = 55.6 Wh with that OCV (FACTS estimates ~15 Ah at an assumed 3.7 V)." % q,
        "Voltage window 3.0-4.2 V as the Leaf cell whose OCV it uses (GM's own window is narrower); nominal "
        "%.2f V = 55.6 Wh / capacity." % (target_wh / q),
        "R0, R1, R2: Leaf-cell values x 33.1/15 (same area-specific resistance, smaller cell), C1, C2 x 15/33.1 "
        "[assumption]; activation energies as the Leaf cell.",
        "Mass %.3f kg at the Leaf cell's 156 Wh/kg; 5.5 mm thick at the Leaf cell's density, face %.0f x %.0f mm "
        "(< 250 x 250 mm frames, 7.5 mm pitch incl. fin and foam, FACTS section 4) [derived]; convective area "
        "both faces (cooling fins on each face)." % (mass, length * 1000, width * 1000),
        "Current limits: discharge 111 kW motor / ~330 V / 3 parallel, charge 1C [assumption].",
        "Thermal conductivity 0.52 / 26.6 W/mK (pouch, FACTS section 7); cp as the Leaf fit.",
    ]
    return d


def make_ncr18650b():
    path = os.path.join(SHARED, "parameters", "nca_ocp_Kim2011_data.csv")
    u_p = lambda y: cm.u_nca_kim2011(y, path)
    u_n = cm.u_graphite_chen2020
    # graphite window of the Chen2020 cell; NCA from the first measured point
    # (y 0.3702, 4.21 V vs Li) to the y that gives OCV(0 %) = 2.55 V (2.5 V
    # cut-off) [X]
    x0, x100 = 0.0279, 0.9014
    y100 = 0.3702
    y0 = brentq(lambda y: float(u_p(y) - u_n(x0)) - 2.55, y100 + 0.05, 0.9933)
    soc = soc_grid_fine()
    ocv = cm.full_cell_ocv(soc, u_p, u_n, x0, x100, y0, y100)
    ecm_soc = np.array([0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 1.0])
    # Keil 2016 NCR18650: discharge resistance 62-88 mOhm at 20-90 % SOC
    # (FACTS section 6); split 45 % ohmic R0, 20 % fast RC, 35 % slow RC [X]
    r_total = np.interp(ecm_soc, [0.0, 0.1, 0.2, 0.9, 1.0], [0.120, 0.090, 0.075, 0.062, 0.065])
    r0 = 0.45 * r_total
    r1 = 0.20 * r_total
    r2 = 0.35 * r_total
    c1 = 20.0 / r1
    c2 = 600.0 / r2
    target_wh = 85000.0 / 7104.0
    d = cell_json(
        "panasonic-ncr18650b", "Panasonic NCR18650B (Model S class 18650 NCA)", "NCA/graphite",
        [], 3.3, 2.5, 3.6, 4.2, 6.8, 5.0, soc, ocv,
        [0.0, 1.0], [0.0, 0.0], ecm_soc, r0, r1, c1, r2, c2, 24000.0, 24000.0,
        0.0456, 1048.0, 0.0, 0.2, 13.6, -20.0, 60.0,
        {"shape": "cylindrical", "height_m": 0.0651, "diameter_m": 0.0182})
    q = capacity_for_energy(d, target_wh)
    d["capacity_ah"] = round(q, 3)
    area = math.pi * 0.0182 * 0.0651 + 2 * math.pi * 0.0091 ** 2
    d["thermal"]["surface_area_m2"] = round(area, 6)
    d["source"] = [
        "Panasonic NCR18650B, the Tesla Model S 85 cell class: 85 kWh / 7104 cells = 11.97 Wh per cell "
        "(teslamotors.wiki via " + FACTS + " section 3); 3.35 Ah nominal, C/10 3.28 Ah, 45.6 g, 18.2 x 65.1 mm "
        "(Batemo via wattworks.bike), 3.6 V nominal, 4.2 / 2.5 V, 6.8 A continuous (FACTS section 6).",
        "OCV DERIVED FROM HALF-CELL OCP FITS (no published full-cell table retrieved): NCA vs Li from Kim 2011 "
        "(shared/data/parameters/nca_ocp_Kim2011_data.csv, PyBaMM) minus graphite from Chen 2020; graphite "
        "window x 0.0279-0.9014 (Chen2020 cell), NCA window y %.4f (first measured point; OCV 4.12 V full, "
        "the data reach no higher) to %.4f (solved here for OCV 2.55 V empty)." % (y100, y0),
        "Capacity %.3f Ah [X]: chosen by make-cells.py so that C/3 from full to 2.5 V gives 11.97 Wh (the brief's "
        "~3.3 Ah usable)." % q,
        "Resistance: Keil et al. 2016 NCR18650 discharge resistance 62-88 mOhm at 20-90 %% SOC (simses-lite, "
        "FACTS section 6), rising at low SOC; split 45 %% R0 / 20 %% R1 (tau 20 s) / 35 %% R2 (tau 600 s) [assumption]. "
        "Activation energy 24 kJ/mol for both (typical cathode exchange current, O'Regan 2022 NMC811, FACTS section 7) [assumption].",
        "dU/dT: NCA not retrieved (FACTS section 7), set to 0 [gap].",
        "cp 1048 J/kgK (NCR18650, simses-lite), k axial 13.6 (Yu 2023, 11.8-15.4) and radial 0.2 W/mK (FACTS "
        "section 7, UNVERIFIED); surface area of the can (side + ends).",
        "Charge limit 5.0 A ~ 120 kW Supercharger / 7104 cells at ~3.7 V [derived].",
    ]
    return d


def chen2020_params():
    p = dict(
        area=0.065 * 1.58, Ln=8.52e-5, Ls=1.2e-5, Lp=7.56e-5,
        eps_n=0.25, eps_s=0.47, eps_p=0.335, am_n=0.75, am_p=0.665,
        b_n=1.5, b_s=1.5, b_p=1.5, bs_n=0.0, bs_p=0.0,
        Rn=5.86e-6, Rp=5.22e-6, D_n=3.3e-14, D_p=4e-15,
        cmax_n=33133.0, cmax_p=63104.0, sigma_n=215.0, sigma_p=0.18,
        m_n=6.48e-7, m_p=3.42e-6, E_n=35000.0, E_p=17800.0, ce=1000.0,
        u_n=cm.u_graphite_chen2020, u_p=cm.u_nmc811_chen2020,
    )
    ce = p["ce"] / 1000.0
    p["kappa"] = 0.1297 * ce ** 3 - 2.51 * ce ** 1.5 + 3.329 * ce
    q_n = cm.F * p["area"] * p["Ln"] * p["am_n"] * p["cmax_n"] / 3600.0
    q_p = cm.F * p["area"] * p["Lp"] * p["am_p"] * p["cmax_p"] / 3600.0
    p["x100"], p["y100"] = 29866.0 / 33133.0, 17038.0 / 63104.0
    p["x0"], p["y0"] = electrode_windows(p["u_p"], p["u_n"], q_n, q_p, p["x100"], p["y100"], 2.5)
    p["q_n"], p["q_p"] = q_n, q_p
    return p


def make_lg_m50():
    p = chen2020_params()
    soc = soc_grid_fine()
    ocv = cm.full_cell_ocv(soc, p["u_p"], p["u_n"], p["x0"], p["x100"], p["y0"], p["y100"])
    window_ah = (p["x100"] - p["x0"]) * p["q_n"]
    ecm_soc = np.linspace(0.0, 1.0, 21)
    ecm_soc[0] = 0.01       # stoichiometry edges: j0 -> 0 at the exact end
    ecm_soc[-1] = 0.99
    r0, r1, c1, r2, c2, ea_r0, tau1, tau2 = derive_ecm_from_p2d(p, ecm_soc)
    ecm_soc[0], ecm_soc[-1] = 0.0, 1.0
    dudt_soc = np.linspace(0.0, 1.0, 11)
    dudt = [-0.25, -0.36, -0.09, -0.04, -0.01, 0.02, 0.03, 0.04, 0.05, 0.07, 0.10]
    # lumped rho*cp of the Chen2020 layers (thickness-weighted) gives cp per kg
    layers = [(8.52e-5, 1657, 700), (1.2e-5, 397, 700), (7.56e-5, 3262, 700),
              (1.2e-5 / 2, 8960, 385), (1.6e-5 / 2, 2700, 897)]
    rho_cp = sum(L * rho * c for L, rho, c in layers) / sum(L for L, _r, _c in layers)
    rho = sum(L * rho_ for L, rho_, _c in layers) / sum(L for L, _r, _c in layers)
    cp = rho_cp / rho
    d = cell_json(
        "lg-m50", "LG M50 21700 (Chen2020)", "NMC811/graphite-SiOx",
        [], window_ah, 2.5, 3.63, 4.2, 7.3, 3.4, soc, ocv,
        dudt_soc, dudt, ecm_soc, r0, r1, c1, r2, c2, ea_r0, 0.0,
        0.069, cp, 0.00531, 0.2, 14.6, -20.0, 60.0,
        {"shape": "cylindrical", "height_m": 0.0700, "diameter_m": 0.0210})
    # the physics of this very cell (resources/electrochem/chen2020.json)
    d["electrochem"] = "chen2020"
    ah, wh, _h = cm.c3_discharge(cm.Cell(d))
    d["voltage_nominal_v"] = round(wh / ah, 2)
    # M50_SHIP_FIT = False writes the derived 2-RC cell alone (before the
    # engine placed a voltage hold's end current exactly for a cell whose
    # voltage is not linear in its current, the fit could not ship)
    fit = m50_ecm_fit() if M50_SHIP_FIT else None
    if fit:
        # the fitted elements carry what the derived tables linearised (the
        # nominal voltage above stays the derived 2-RC cell's: the C/3 check
        # integrates no elements)
        for key in ("r0", "r1", "r2"):
            d["ecm"][key + "_ohm"] = r6(np.asarray(d["ecm"][key + "_ohm"]) * fit[key + "_scale"], 4)
    d["source"] = [
        "LG M50 21700, Chen et al., J. Electrochem. Soc. 167 (2020) 080534, as the PyBaMM Chen2020 set "
        "(shared/data/parameters/PARAMETERS.md section 1): 5 Ah nominal, 2.5-4.2 V.",
        "OCV DERIVED FROM THE HALF-CELL OCP FITS of Chen2020 (NMC811 and graphite-SiOx) over the Chen2020 "
        "stoichiometry windows: 100 %% at x = %.4f, y = %.4f (the set's initial concentrations), 0 %% at x = %.4f, "
        "y = %.4f solved here from conserved cyclable lithium (%.2f Ah) and OCV 2.5 V; window %.3f Ah."
        % (p["x100"], p["y100"], p["x0"], p["y0"], p["q_n"] * p["x100"] + p["q_p"] * p["y100"], window_ah),
        "Capacity: that window; the model delivers %.3f Ah and %.2f Wh at C/3 from full to 2.5 V "
        "(make-cells.py), so nominal %.2f V." % (ah, wh, wh / ah),
        "No published 2-RC table (FACTS section 6). R0, R1/C1, R2/C2 DERIVED from the Chen2020 electrode "
        "parameters in make-cells.py: R0 = electrolyte (Nyman 2008 conductivity, Bruggeman 1.5) + solid ohmic + "
        "linearised Butler-Volmer charge transfer of both electrodes; R1/R2 = solid diffusion of graphite / NMC "
        "particles, R = |dU/dc| Rp/(5 D a L F A), tau = Rp^2/(20.19 D) = %.0f s / %.0f s." % (tau1, tau2),
        "ea_r0 %.0f J/mol: Arrhenius fit of that R0 between 10 and 40 C (exchange-current energies 35 and "
        "17.8 kJ/mol; electrolyte T-independent in Chen2020). ea_rc 0: Chen2020 diffusivities are "
        "T-independent." % ea_r0,
        "dU/dT: O'Regan 2022 electrode fits over the Chen2020 windows (" + FACTS + " section 7).",
        "Thermal: cooling area 0.00531 m2 (ORegan2022, FACTS section 6), so 21 x 70 mm (area and volume "
        "2.42e-5 m3 agree); mass 69 g UNVERIFIED; cp %.0f J/kgK = thickness-weighted rho*cp / rho of the "
        "Chen2020 layers; k axial 14.6 (Yu 2023 21700, 12.6-16.7), radial 0.2 W/mK (UNVERIFIED)." % cp,
        "Current limits 7.3 A discharge, 3.4 A charge: LG M50 datasheet values as commonly quoted [UNVERIFIED].",
    ]
    if fit:
        d["source"].insert(-1, (
            "Fitted to its own DFN (tests/fit-m50-ecm.c, Nelder-Mead through the engine's ECM and DFN, "
            "isothermal 25 C, 5 s steps): 0.5C/1C/2C discharges from full to 2.5 V and a 2C pulse of 30 s at "
            "50 %% SOC with 5 min rest. The derived R0/R1/R2 scaled x%.4g / x%.4g / x%.4g; solid diffusion tau_d "
            "%s s at mean SOC %s (Ea 0: Chen2020 diffusivities are T-independent); Butler-Volmer i0 %.4g A "
            "(Ea that of R0); electrolyte I_lim %.4g A, tau %.4g s, scale %.4g V (Ea 0). RMS over time against "
            "the DFN, in tests/test-validation.c: %s." % (
                fit["r0_scale"], fit["r1_scale"], fit["r2_scale"],
                " / ".join("%g" % t for t in fit["tau_s"]), " / ".join("%g" % x for x in fit["tau_soc"]),
                fit["i0_a"], fit["electrolyte"]["limiting_current_a"], fit["electrolyte"]["tau_s"],
                fit["electrolyte"]["voltage_scale_v"], M50_ENGINE_CHECK)))
        d["diffusion"] = {"soc": fit["tau_soc"], "tau_s": fit["tau_s"], "ea_j_mol": 0}
        d["charge_transfer"] = {"soc": [0.0, 1.0], "i0_a": [fit["i0_a"], fit["i0_a"]],
                                "ea_j_mol": d["ea_r0_j_mol"]}
        d["electrolyte"] = fit["electrolyte"]
    return d


def make_a123():
    # Prada 2013 set as in PyBaMM (Prada2013.py): graphite Chen2020 OCP, LFP
    # Afshar 2017 OCP, 0.18 m2 electrodes, 2.3 Ah, 2.0-3.6 V
    area = 0.18
    q_n = cm.F * area * 3.4e-5 * 0.58 * 30555.0 / 3600.0
    q_p = cm.F * area * 8e-5 * 0.374 * 22806.0 / 3600.0
    x100, y100 = 0.81, 0.0038
    # Prada2013 puts 2.0 V at 0 % after 2.3 Ah; the table is continued to
    # 1.95 V (cyclable lithium conserved) so the 2.0 V cut-off comes before
    # the end of the table at C/3
    x0, y0 = electrode_windows(cm.u_lfp_afshar2017, cm.u_graphite_chen2020,
                               q_n, q_p, x100, y100, 1.95)
    soc = soc_grid_fine()
    ocv = cm.full_cell_ocv(soc, cm.u_lfp_afshar2017, cm.u_graphite_chen2020, x0, x100, y0, y100)
    ecm_soc = np.array([0.0, 0.05, 0.1, 0.2, 0.5, 0.8, 0.9, 1.0])
    # A123 ANR26650M1-B "10 mOhm" (FACTS section 6) as R0, higher at the ends;
    # diffusion RCs [assumption]
    r0 = np.interp(ecm_soc, [0.0, 0.1, 0.2, 0.8, 1.0], [0.016, 0.011, 0.010, 0.010, 0.011])
    r1 = 0.4 * r0
    r2 = 0.6 * r0
    c1 = 20.0 / r1
    c2 = 600.0 / r2
    dudt_soc = np.linspace(0.0, 1.0, 11)
    dudt = [-0.49, -0.16, -0.12, -0.04, 0.10, 0.11, 0.13, 0.15, 0.10, 0.08, 0.12]
    d = cell_json(
        "a123-anr26650", "A123 ANR26650M1 (LFP 26650, Prada2013)", "LFP/graphite",
        [], (x100 - x0) * q_n, 2.0, 3.3, 3.6, 50.0, 10.0, soc, ocv,
        dudt_soc, dudt, ecm_soc, r0, r1, c1, r2, c2, 39570.0 * 0.5 + 35000.0 * 0.5, 17800.0,
        0.070, 1001.0, 0.0, 0.2, 13.6, -30.0, 60.0,
        {"shape": "cylindrical", "height_m": 0.065, "diameter_m": 0.026})
    ah, _wh, _h = cm.c3_discharge(cm.Cell(d))
    d["thermal"]["surface_area_m2"] = round(math.pi * 0.026 * 0.065 + 2 * math.pi * 0.013 ** 2, 6)
    d["source"] = [
        "A123 ANR26650M1: 3.3 V, 2.3 Ah, 70 g (A123 spec via first-products.de); M1-B 50 A continuous, "
        "'10 mOhm' (secondary DB) (" + FACTS + " section 6).",
        "OCV DERIVED FROM HALF-CELL OCP FITS as in the Prada 2013 set (Prada et al., JES 160 (2013) A616, PyBaMM "
        "Prada2013.py): LFP Afshar 2017 minus graphite Chen 2020, electrode capacities from the set's thickness, "
        "active fraction and c_max on 0.18 m2 (%.3f / %.3f Ah), 100 %% at x 0.81, y 0.0038 (3.6 V), 0 %% at "
        "x %.4f, y %.4f (1.95 V, just below the 2.0 V cut-off, cyclable lithium conserved; %.3f Ah)."
        % (q_n, q_p, x0, y0, (x100 - x0) * q_n),
        "Capacity: that window; the model delivers %.3f Ah at C/3 from full to 2.0 V (make-cells.py)." % ah,
        "R0 = the quoted 10 mOhm, raised towards the SOC ends; R1 = 0.4 R0 (tau 20 s), R2 = 0.6 R0 (tau 600 s) "
        "[assumption]. Activation energies: R0 the mean of the Prada2013 exchange-current energies (graphite 35, "
        "LFP 39.6 kJ/mol), RC the LFP 17.8 kJ/mol quoted in FACTS section 7.",
        "dU/dT: Sony US26650FTC1 LFP (simses-lite, FACTS section 7). cp 1001 J/kgK (Sony 26650 LFP, simses-lite); "
        "k axial 13.6, radial 0.2 W/mK (FACTS section 7, radial UNVERIFIED). 26 x 65 mm can, area side + ends.",
        "Charge limit 10 A (4C) [assumption].",
    ]
    return d


PACK_TARGETS = {
    # nameplate x measured / rated capacity (the cell's source says why)
    "aesc-leaf-2011": 24000.0 / 192.0 * 30.8 / 33.1,
    "aesc-leaf-2018": 40000.0 / 192.0,
    "panasonic-ncr18650b": 85000.0 / 7104.0,
    "lg-volt-2011": 16000.0 / 288.0,
}


def main():
    with open(os.path.join(HERE, "leaf-fit.json")) as f:
        fit = json.load(f)
    cells = [make_leaf_2011(fit), make_leaf_2018(fit), make_volt_2011(fit),
             make_ncr18650b(), make_lg_m50(), make_a123()]
    ok = True
    for d in cells:
        ah, wh, h = cm.c3_discharge(cm.Cell(d))
        line = "%-20s C/3: %7.3f Ah (rated %7.3f, %+5.1f %%) %8.2f Wh in %.2f h" % (
            d["id"], ah, d["capacity_ah"], 100 * (ah / d["capacity_ah"] - 1), wh, h)
        if abs(ah / d["capacity_ah"] - 1) > 0.03:
            ok = False
            line += "  CAPACITY OFF"
        target = PACK_TARGETS.get(d["id"])
        if target:
            line += "  pack share %.2f Wh (%+5.1f %%)" % (target, 100 * (wh / target - 1))
            if abs(wh / target - 1) > 0.05:
                ok = False
                line += "  ENERGY OFF"
        print(line)
        if "--check" not in sys.argv:
            with open(os.path.join(CELLS, d["id"] + ".json"), "w") as f:
                json.dump(d, f, indent=2)
                f.write("\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
