#!/usr/bin/python3
"""Fit the AESC Leaf cell (aesc-leaf-2011) to the ORNL measurements of that
cell: shared/data/experimental/ornl-leaf-cell (batterysim/equiv-circ-model
examples/data, MIT). Writes leaf-fit.json beside this script and prints what
it found; make-cells.py turns that into resources/cells/aesc-leaf-2011.json.

1. OCV(SOC) at 25 C (cell-low-current-hppc-25c-2.csv): the voltage at the end
   of each 1 h rest; SOC = 1 - Ah / Ah_total with Ah counted from the full
   cell (4.2 V CV, then 1 h rest) to the final 3.0 V at 10 A (30.50 Ah).
   Between rest points a monotone cubic (PCHIP). Through the knee, where
   rest points 10 % SOC apart miss the shape (the block entering it and the
   final 10 A discharge to 3.0 V, which has no rest after it), pseudo-OCV
   points are added: measured V plus the fitted polarisation R0 I + R1 f1 +
   R2 f2, the first block's points shifted linearly so that they meet the
   rest point that ends it. The table is written every 2.5 % SOC plus nodes.
2. 2-RC parameters: the record is cut into blocks (30 A 30 s pulse, 40 s rest,
   10 s charge pulse, 10 A for 3 Ah, 1 h rest). With the two time constants
   fixed, the model is linear in R0, R1, R2, so every block's resistances come
   from one joint non-negative least-squares solve with a mild smoothness
   penalty between neighbouring blocks (two RC pairs are hard to tell apart in
   one block); tau1 and tau2 (one pair per temperature) minimise the summed
   squared error (Nelder-Mead). The RC responses are integrated exactly per
   sample with the current of the interval ending at that sample, as the
   engine does. Blocks whose OCV bends strongly between their two rest points
   are fitted on the pulses, the first 120 s of the 10 A step and the rest
   only; the final block on its pulses.
3. The same at 10 C and 40 C (cell-low-current-hppc-10c.csv, -40c-1.csv):
   activation energies = median over the blocks between 15 % and 90 % SOC of
   the slope of ln R vs 1/T (R0; R1 + R2). dU/dT(SOC) from the OCV at 25 and
   40 C at equal Ah from full (10 C left out: its CV charge ends less full,
   4.176 V after the rest against 4.182 / 4.183 V, which shifts its Ah axis;
   steep points, > 40 mV/Ah, left out too).
4. cp: one lumped thermal node (m 0.799 kg, A 0.067569 m2, h 9.5 W/m2K, ORNL
   params.py) driven by the measured current of the first 1C, 2C and 3C
   discharges (cell-discharge-bitrode-*.csv) with Bernardi heat and the
   Arrhenius resistances; cp minimises the squared error of the simulated
   peak temperatures against the peak of the hottest surface thermocouple
   (cell-discharge-temperature-*.lvm, rows 3 s apart on the Bitrode's clock).
"""
import csv
import json
import math
import os
import sys

import numpy as np
from scipy.interpolate import PchipInterpolator
from scipy.optimize import minimize, minimize_scalar, nnls

import cellmodel as cm

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("PS_SHARED_DATA",
                        os.path.join(HERE, "..", "..", "..", "..", "shared", "data"))
ORNL = os.path.join(SHARED, "experimental", "ornl-leaf-cell")

MASS = 0.799
AREA = 0.067569
H_CONV = 9.5


def load_bitrode(name):
    """time s, current A (positive = discharge), voltage V, step, mode."""
    t, i, v, step, mode = [], [], [], [], []
    with open(os.path.join(ORNL, name)) as f:
        reader = csv.reader(f)
        next(reader)
        for row in reader:
            t.append(float(row[1]))
            i.append(-float(row[8]))
            v.append(float(row[9]))
            step.append(int(row[6]))
            mode.append(row[13])
    return np.array(t), np.array(i), np.array(v), np.array(step), np.array(mode)


def segments(step, mode):
    """(start, end_exclusive, step, mode) runs."""
    out = []
    start = 0
    for k in range(1, len(step) + 1):
        if k == len(step) or step[k] != step[start] or mode[k] != mode[start]:
            out.append((start, k, step[start], mode[start]))
            start = k
    return out


def ah_discharged(t, i):
    """cumulative Ah (discharge positive), current held over each sample gap
    (the Bitrode logs the current of the interval that ends at a row)."""
    dt = np.diff(t, prepend=t[0])
    return np.cumsum(i * dt) / 3600.0


class Hppc:
    def __init__(self, name, temp_c):
        self.temp_c = temp_c
        t, i, v, step, mode = load_bitrode(name)
        segs = segments(step, mode)
        # start at the first 30 A pulse (step 6) after the full charge + rest
        first = next(k for k, s in enumerate(segs) if s[2] == 6)
        s0 = segs[first][0]
        self.t, self.i, self.v = t[s0:] - t[s0], i[s0:], v[s0:]
        self.step, self.mode = step[s0:], mode[s0:]
        self.v_full = v[segs[first - 1][1] - 1]         # end of the rest before
        self.ah = ah_discharged(self.t, self.i)
        self.ah_total = self.ah[-1]
        self.segs = [(a - s0, b - s0, st, m) for a, b, st, m in segs[first:]]
        # blocks: from each step-6 pulse to the end of the following step-10 rest
        self.blocks = []
        starts = [s for s in self.segs if s[2] == 6]
        for n, s in enumerate(starts):
            nxt = starts[n + 1][0] if n + 1 < len(starts) else len(self.t)
            rest = [r for r in self.segs if r[2] == 10 and s[0] < r[0] < nxt]
            self.blocks.append((s[0], nxt, rest[0] if rest else None))
        # OCV points: full, then the end of every 1 h rest
        self.ocv_ah = [0.0]
        self.ocv_v = [self.v_full]
        for a, b, r in self.blocks:
            if r is not None:
                self.ocv_ah.append(self.ah[r[1] - 1])
                self.ocv_v.append(self.v[r[1] - 1])
        self.ocv_ah = np.array(self.ocv_ah)
        self.ocv_v = np.array(self.ocv_v)

    def ocv_of_ah(self, ah):
        """Monotone cubic (PCHIP) through the rest points: the OCV bends
        between points 10 % SOC apart, which a straight line would miss
        during the 10 A discharges. Beyond the last rest point (only inside
        the final block's pulses, < 1 % SOC) the end slope continues."""
        x, y = self.ocv_ah, self.ocv_v
        ah = np.asarray(ah, dtype=float)
        curve = PchipInterpolator(x, y)
        slope = curve.derivative()(x[-1])
        return np.where(ah > x[-1], y[-1] + slope * (ah - x[-1]), curve(np.minimum(ah, x[-1])))


def rc_response(t, i, tau):
    """Voltage of a 1-Ohm RC pair driven by the current i, updated exactly
    over each sample interval (the current of the interval ending at a sample
    is held over it): v_k = v_(k-1) e^(-dt/tau) + i_k (1 - e^(-dt/tau))."""
    a = np.exp(-np.diff(t) / tau)
    out = np.zeros(len(t))
    v = 0.0
    for k in range(1, len(t)):
        v = v * a[k - 1] + i[k] * (1.0 - a[k - 1])
        out[k] = v
    return out


MASKED = os.environ.get("LEAF_MASKED", "0") == "1"


def block_mask(h, a, b):
    """Samples the fit looks at: the pulses (steps 6-8), the first 120 s of the
    10 A discharge and the 1 h rest (step 10). Over the rest of the 10 A
    discharge the OCV between two rest points 10 % SOC apart would have to be
    interpolated (across the knee, badly), and that error would leak into the
    resistances."""
    step = h.step[a:b]
    t = h.t[a:b]
    mask = np.isin(step, (6, 7, 8, 10))
    on = np.where(step == 9)[0]
    if len(on):
        mask |= (step == 9) & (t - t[on[0]] <= 120.0)
    return mask


def knee_block(h, a, b):
    """True if the OCV slope at the block's two rest points differs by more
    than 2x: the monotone cubic between them is then a guess along the 10 A
    discharge (the block that crosses into the knee)."""
    slope = PchipInterpolator(h.ocv_ah, h.ocv_v).derivative()
    s0 = abs(float(slope(h.ah[a])))
    s1 = abs(float(slope(h.ah[b - 1])))
    return max(s0, s1) > 2.0 * max(min(s0, s1), 1e-6)


def block_data(h, a, b):
    t = h.t[a:b] - h.t[a]
    return t, h.i[a:b], h.v[a:b], h.ocv_of_ah(h.ah[a:b])


def solve_block(t, i, v, ocv, tau1, tau2, r2_per_r0=None):
    """With the time constants fixed the model is linear in R0, R1, R2:
    ocv - v = R0 i + R1 f1 + R2 f2. Non-negative least squares."""
    f1 = rc_response(t, i, tau1)
    f2 = rc_response(t, i, tau2)
    y = ocv - v
    if r2_per_r0 is None:
        A = np.column_stack((i, f1, f2))
        r, _norm = nnls(A, y)
    else:
        A = np.column_stack((i + r2_per_r0 * f2, f1))
        (r0, r1), _norm = nnls(A, y)
        r = np.array([r0, r1, r2_per_r0 * r0])
    resid = y - A @ (r if r2_per_r0 is None else r[:2])
    return r, resid


SMOOTH_W = float(os.environ.get("LEAF_SMOOTH", "1e3"))


def solve_joint(blocks, tau1, tau2, weight=SMOOTH_W):
    """All blocks at once, linear in R0, R1, R2 of each block, non-negative,
    with a penalty weight * (R_j - R_(j+1))^2 between neighbouring blocks: two
    RC pairs are barely distinguishable in one block (the fit can trade R1
    for R2), and the penalty keeps the split from flipping between blocks.
    Returns the (n, 3) resistances and each block's residuals."""
    n = len(blocks)
    rows = []
    rhs = []
    for j, (t, i, v, ocv, mask) in enumerate(blocks):
        f1 = rc_response(t, i, tau1)
        f2 = rc_response(t, i, tau2)
        A = np.zeros((int(mask.sum()), 3 * n))
        A[:, 3 * j] = i[mask]
        A[:, 3 * j + 1] = f1[mask]
        A[:, 3 * j + 2] = f2[mask]
        rows.append(A)
        rhs.append((ocv - v)[mask])
    sw = math.sqrt(weight)
    for j in range(n - 1):
        for c, scale in ((0, 0.3), (1, 1.0), (2, 1.0)):
            row = np.zeros((1, 3 * n))
            row[0, 3 * j + c] = sw * scale
            row[0, 3 * (j + 1) + c] = -sw * scale
            rows.append(row)
            rhs.append(np.zeros(1))
    A = np.vstack(rows)
    y = np.concatenate(rhs)
    r, _norm = nnls(A, y, maxiter=50 * A.shape[1])
    r = r.reshape(n, 3)
    resid = []
    for j, (t, i, v, ocv, mask) in enumerate(blocks):
        f1 = rc_response(t, i, tau1)
        f2 = rc_response(t, i, tau2)
        model = ocv - r[j, 0] * i - r[j, 1] * f1 - r[j, 2] * f2
        resid.append((model - v)[mask])
    return r, resid


def fit_hppc(h):
    """One pair of time constants per temperature (SOC-independent, found by
    minimising the squared error of all blocks), R0, R1, R2 per block by
    joint linear least squares (solve_joint). A block runs from a 30 A pulse
    to the end of the following 1 h rest; the last block ends at 3.0 V with
    no rest and is fitted on its pulses only (the OCV below the last rest
    point is not known yet), so its R2 follows its neighbour."""
    blocks = []
    for a, b, rest in h.blocks:
        if rest is None:
            b = next(s[0] for s in h.segs if s[2] == 9 and s[0] > a)
        t, i, v, ocv = block_data(h, a, b)
        mask = np.ones(len(t), dtype=bool)
        if MASKED or (rest is not None and knee_block(h, a, b)):
            mask = block_mask(h, a, b)
        blocks.append((t, i, v, ocv, mask))

    def total(ltau):
        tau1, tau2 = np.exp(ltau)
        if not (1.0 <= tau1 < tau2 <= 20000.0):
            return 1e9
        _r, resid = solve_joint(blocks, tau1, tau2)
        return sum(float(np.sum(e ** 2)) for e in resid)

    best = minimize(total, np.log([20.0, 600.0]), method="Nelder-Mead",
                    options={"xatol": 0.02, "fatol": 1e-8})
    tau1, tau2 = np.exp(best.x)
    r, resid = solve_joint(blocks, tau1, tau2)
    rows = []
    for j, (a, b, rest) in enumerate(h.blocks):
        soc = 1.0 - h.ah[a] / h.ah_total
        rows.append((soc, np.array([r[j, 0], max(r[j, 1], 1e-5), tau1, max(r[j, 2], 1e-5), tau2]),
                     math.sqrt(float(np.mean(resid[j] ** 2)))))
    return rows


def pseudo_ocv_points(h, j, params, step_soc=0.015):
    """OCV along the 10 A discharge of block j, from the measured voltage with
    the fitted polarisation added back: OCV = V + R0 I + R1 f1 + R2 f2, the RC
    responses integrated from the block's start (after a 1 h rest). Used where
    rest points are too far apart for the shape: the knee (the block that
    enters it and the final discharge to 3.0 V, which has no rest after it)."""
    r0, r1, tau1, r2, tau2 = params
    a = h.blocks[j][0]
    b = h.blocks[j][1]
    t = h.t[a:b] - h.t[a]
    i = h.i[a:b]
    ocv = h.v[a:b] + r0 * i + r1 * rc_response(t, i, tau1) + r2 * rc_response(t, i, tau2)
    soc = 1.0 - h.ah[a:b] / h.ah_total
    on = h.step[a:b] == 9
    # from 60 s into the 10 A step (the first RC settles) to its end
    start = np.where(on)[0][0]
    on &= t - t[start] >= 60.0
    out = []
    targets = np.arange(soc[on].max(), soc[on].min() + 0.5 * step_soc, -step_soc)
    for target in list(targets) + [soc[on].min()]:
        k = int(np.argmin(np.where(on, np.abs(soc - target), np.inf)))
        out.append((max(float(soc[k]), 0.0), float(ocv[k])))
    return out


def load_discharge(c_rate):
    """The first discharge of the file: time from its start, current, voltage,
    and the thermocouples over the same interval."""
    t, i, v, step, mode = load_bitrode("cell-discharge-bitrode-%s.csv" % c_rate)
    segs = segments(step, mode)
    a, b, _st, _m = next(s for s in segs if s[3] == "DCHG")
    lvm = np.loadtxt(os.path.join(ORNL, "cell-discharge-temperature-%s.lvm" % c_rate))
    lvm_t = np.arange(len(lvm)) * 3.0
    t0 = t[a] - 1.0                 # the current starts in the interval before the first row
    # rest state before: last 10 min, all on the same 3 s clock
    before = (lvm_t >= t0 - 600) & (lvm_t < t0)
    during = (lvm_t >= t0) & (lvm_t <= t[b - 1] + 900)
    surface = lvm[:, :3].max(axis=1)
    return dict(
        t=np.concatenate(([0.0], t[a:b] - t0)),
        i=np.concatenate(([0.0], i[a:b])),
        v=np.concatenate(([v[a - 1]], v[a:b])),
        temp0_c=float(np.mean(lvm[before, :3])) if before.any() else float(np.mean(lvm[:3, :3])),
        ambient_c=float(np.mean(lvm[during, 3])),
        peak_c=float(surface[during].max()),
        peak_mean_c=float(lvm[during, :3].mean(axis=1).max()),
    )


def main():
    temps = {10.0: "cell-low-current-hppc-10c.csv",
             25.0: "cell-low-current-hppc-25c-2.csv",
             40.0: "cell-low-current-hppc-40c-1.csv"}
    hppc = {tc: Hppc(name, tc) for tc, name in temps.items()}
    fits = {}
    for tc, h in hppc.items():
        fits[tc] = fit_hppc(h)
        print("HPPC %.0f C: %.2f Ah to 3.0 V at 10 A; OCV full %.3f V" % (tc, h.ah_total, h.v_full))
        for soc, p, rms in fits[tc]:
            print("  SOC %.3f  R0 %.3f  R1 %.3f mOhm tau1 %5.1f s  R2 %.3f mOhm tau2 %6.0f s  rms %.1f mV"
                  % (soc, p[0] * 1e3, p[1] * 1e3, p[2], p[3] * 1e3, p[4], rms * 1e3))

    h25 = hppc[25.0]
    soc_rest = 1.0 - h25.ocv_ah / h25.ah_total
    # pseudo-OCV through the knee: the block that enters it (its points
    # detrended so that the last one meets the rest point that ends the
    # block) and the final discharge to 3.0 V
    knee = []
    for j, (a, b, rest) in enumerate(h25.blocks):
        soc_start = 1.0 - h25.ah[a] / h25.ah_total
        if rest is None:
            knee += pseudo_ocv_points(h25, j, fits[25.0][j][1])
        elif soc_start < 0.5 and knee_block(h25, a, b):
            pts = pseudo_ocv_points(h25, j, fits[25.0][j][1])
            soc_end = 1.0 - h25.ah[rest[1] - 1] / h25.ah_total
            v_end = float(h25.ocv_v[list(h25.ocv_ah).index(h25.ah[rest[1] - 1])])
            bias = v_end - pts[-1][1]
            s_hi = pts[0][0]
            knee += [(s_, v_ + bias * (s_hi - s_) / max(s_hi - soc_end, 1e-9)) for s_, v_ in pts]
    ocv_soc = list(soc_rest)
    ocv_v = list(h25.ocv_v)
    for s_, v_ in knee:
        if np.min(np.abs(np.array(ocv_soc) - s_)) > 0.007:
            ocv_soc.append(s_)
            ocv_v.append(v_)
    ocv_soc = np.array(ocv_soc)
    ocv_v = np.array(ocv_v)
    order = np.argsort(ocv_soc)
    ocv_soc, ocv_v = ocv_soc[order], np.maximum.accumulate(ocv_v[order])
    ocv_soc[-1] = 1.0
    ocv_soc[0] = 0.0
    # the engine interpolates linearly: tabulate the monotone cubic through the
    # measured points every 2.5 % SOC (the measured points stay exact nodes)
    dense = np.union1d(np.round(np.linspace(0.0, 1.0, 41), 4), np.round(ocv_soc, 4))
    dense = dense[np.concatenate(([True], np.diff(dense) > 0.004))]
    ocv_v = PchipInterpolator(ocv_soc, ocv_v)(dense)
    ocv_soc = dense
    print("OCV 25 C:", " ".join("%.3f:%.3f" % (s, v) for s, v in zip(ocv_soc, ocv_v)))
    print("knee (SOC, OCV):", " ".join("%.3f:%.3f" % kv for kv in knee))

    # dU/dT from the OCV at 25 and 40 C at the same Ah from full (the 40 C
    # curve interpolated at the 25 C rest points). The 10 C test is left out:
    # its CV charge ends less full (4.176 V after the rest against 4.182 /
    # 4.183 V), which shifts its whole Ah axis. Where the OCV is steep (knee,
    # > 40 mV/Ah) a 0.05 Ah misalignment alone would be > 2 mV, so those
    # points are left out and the table holds the nearest value.
    h40 = hppc[40.0]
    slope25 = PchipInterpolator(h25.ocv_ah, h25.ocv_v).derivative()
    tk = np.array([tc + 273.15 for tc in hppc])
    dudt_soc, dudt = [], []
    for k in range(len(h25.ocv_ah)):
        ah = h25.ocv_ah[k]
        if k == 0 or abs(slope25(ah)) > 0.040:
            continue
        v40 = float(h40.ocv_of_ah(ah))
        dudt_soc.append(1.0 - ah / h25.ah_total)
        dudt.append((v40 - h25.ocv_v[k]) / 15.0 * 1e3)
    dudt_soc = np.array(dudt_soc[::-1])
    dudt = np.array(dudt[::-1])
    print("dU/dT mV/K:", " ".join("%.2f:%+.3f" % (s, d) for s, d in zip(dudt_soc, dudt)))

    # ECM table at 25 C over the pulse SOCs
    rows = sorted(fits[25.0], key=lambda r: r[0])
    ecm_soc = np.array([r[0] for r in rows])
    P = np.array([r[1] for r in rows])
    ecm_soc[0] = max(ecm_soc[0], 0.0)
    if ecm_soc[-1] > 0.999:
        ecm_soc[-1] = 1.0
    r0, r1, tau1, r2, tau2 = P.T

    # activation energies over the mid-SOC blocks
    def ea_of(f):
        vals = []
        for k in range(len(fits[25.0])):
            soc = fits[25.0][k][0]
            if not (0.15 <= soc <= 0.9):
                continue
            y = np.log([f(fits[tc][k][1]) for tc in hppc])
            x = 1.0 / tk
            vals.append(np.polyfit(x, y, 1)[0] * cm.R_GAS)
        return float(np.median(vals)), vals
    ea_r0, ea_r0_all = ea_of(lambda p: p[0])
    ea_rc, ea_rc_all = ea_of(lambda p: p[1] + p[3])
    print("Ea R0 %.0f J/mol (blocks %s)" % (ea_r0, " ".join("%.0f" % x for x in ea_r0_all)))
    print("Ea RC %.0f J/mol (blocks %s)" % (ea_rc, " ".join("%.0f" % x for x in ea_rc_all)))

    fit = {
        "ocv_soc": [round(float(x), 4) for x in ocv_soc],
        "ocv_v": [round(float(x), 4) for x in ocv_v],
        "dudt_soc": [round(float(x), 4) for x in dudt_soc],
        "dudt_mv_k": [round(float(x), 4) for x in dudt],
        "ecm_soc": [round(float(x), 4) for x in ecm_soc],
        "r0_ohm": [float("%.4g" % x) for x in r0],
        "r1_ohm": [float("%.4g" % x) for x in r1],
        "c1_f": [float("%.4g" % x) for x in tau1 / r1],
        "r2_ohm": [float("%.4g" % x) for x in r2],
        "c2_f": [float("%.4g" % x) for x in tau2 / r2],
        "ea_r0_j_mol": round(max(ea_r0, 0.0)),
        "ea_rc_j_mol": round(max(ea_rc, 0.0)),
        "cp_j_kg_k": 1100,
        "hppc_ah_total": round(float(h25.ah_total), 3),
    }

    # thermal: fit cp to the peak surface temperatures of 1C / 2C / 3C
    cell_d = {
        "capacity_ah": h25.ah_total, "voltage_min_v": 3.0, "voltage_max_v": 4.2,
        "temperature_ref_c": 25.0,
        "ocv": {"soc": fit["ocv_soc"], "voltage_v": fit["ocv_v"]},
        "dudt": {"soc": fit["dudt_soc"], "dudt_mv_k": fit["dudt_mv_k"]},
        "ecm": {"soc": fit["ecm_soc"], "r0_ohm": fit["r0_ohm"], "r1_ohm": fit["r1_ohm"],
                "c1_f": fit["c1_f"], "r2_ohm": fit["r2_ohm"], "c2_f": fit["c2_f"]},
        "ea_r0_j_mol": fit["ea_r0_j_mol"], "ea_rc_j_mol": fit["ea_rc_j_mol"],
        "thermal": {"mass_kg": MASS, "cp_j_kg_k": 1100.0, "surface_area_m2": AREA},
    }
    runs = {c: load_discharge(c) for c in ("1c", "2c", "3c")}

    def peaks(cp):
        cell_d["thermal"]["cp_j_kg_k"] = cp
        cell = cm.Cell(cell_d)
        out = {}
        for c, r in runs.items():
            v, tk_, _s = cm.simulate(cell, r["t"], r["i"], 1.0, r["temp0_c"] + 273.15,
                                     r["ambient_c"] + 273.15, H_CONV)
            out[c] = (float(tk_.max() - 273.15), float(math.sqrt(np.mean((v - r["v"]) ** 2))))
        return out

    def cost(cp):
        p = peaks(cp)
        return sum((p[c][0] - runs[c]["peak_c"]) ** 2 for c in runs)

    best = minimize_scalar(cost, bounds=(500.0, 3000.0), method="bounded",
                           options={"xatol": 1.0})
    cp = float(best.x)
    fit["cp_j_kg_k"] = round(cp)
    result = peaks(cp)
    lines = []
    for c, r in runs.items():
        lines.append("%s: peak %.1f C simulated vs %.1f C measured (hottest thermocouple; mean of three "
                     "%.1f C), start %.1f C, ambient %.1f C, voltage RMS %.0f mV"
                     % (c.upper(), result[c][0], r["peak_c"], r["peak_mean_c"], r["temp0_c"],
                        r["ambient_c"], result[c][1] * 1e3))
    for line in lines:
        print(line)
    print("cp %.0f J/kg K" % cp)

    mid = [k for k in range(len(ecm_soc)) if 0.15 <= ecm_soc[k] <= 0.9]
    fit["summary"] = (
        "HPPC 25 C: %.2f Ah from 4.2 V to 3.0 V at 10 A; OCV at the end of 1 h rests plus "
        "pseudo-OCV (V + fitted polarisation) through the knee; "
        "2-RC per pulse block (shared time constants, joint least squares), mid-SOC R0 %.2f mOhm, R1 %.2f mOhm (tau1 %.0f s), R2 %.2f mOhm (tau2 %.0f s); "
        "Ea R0 %.0f J/mol, R1+R2 %.0f J/mol from 10/25/40 C; dU/dT from the OCV at 25 and 40 C at equal Ah from full (10 C left out: its CV charge ends less full); "
        "cp %.0f J/kgK fitted to peak surface temperatures (%s)."
        % (h25.ah_total, np.median(r0[mid]) * 1e3, np.median(r1[mid]) * 1e3, np.median(tau1[mid]),
           np.median(r2[mid]) * 1e3, np.median(tau2[mid]), ea_r0, ea_rc, cp, "; ".join(lines)))
    with open(os.path.join(HERE, "leaf-fit.json"), "w") as f:
        json.dump(fit, f, indent=2)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
