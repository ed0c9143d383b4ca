"""Shared helpers for the cell-parameter scripts: half-cell OCP fits, a
single-cell 2-RC integration (the same equations as DESIGN.md section 2) and
the C/3 rated-capacity / energy check.

Run with /usr/bin/python3 (Debian python3-numpy, python3-scipy).
"""
import math

import numpy as np

F = 96485.33212          # C/mol
R_GAS = 8.314462618      # J/(mol K)
T_REF = 298.15           # K


# --- half-cell open-circuit potentials (fits as published) -----------------

def u_graphite_chen2020(x):
    """Graphite-SiOx OCP vs Li, Chen et al. JES 167 (2020) 080534 (fit as given in
    shared/data/parameters/PARAMETERS.md section 1)."""
    x = np.asarray(x, dtype=float)
    return (1.9793 * np.exp(-39.3631 * x) + 0.2482
            - 0.0909 * np.tanh(29.8538 * (x - 0.1234))
            - 0.04478 * np.tanh(14.9159 * (x - 0.2769))
            - 0.0205 * np.tanh(30.4444 * (x - 0.6103)))


def u_nmc811_chen2020(y):
    """NMC811 OCP vs Li, Chen2020 fit (PARAMETERS.md section 1)."""
    y = np.asarray(y, dtype=float)
    return (-0.8090 * y + 4.4875
            - 0.0428 * np.tanh(18.5138 * (y - 0.5542))
            - 17.7326 * np.tanh(15.7890 * (y - 0.3117))
            + 17.5842 * np.tanh(15.9308 * (y - 0.3120)))


def u_lfp_afshar2017(y):
    """LFP OCP vs Li as used by the Prada2013 set in PyBaMM (Afshar, Morris,
    Khajepour 2017, arXiv:1709.03970)."""
    y = np.asarray(y, dtype=float)
    return 3.4077 - 0.020269 * y + 0.5 * np.exp(-150.0 * y) - 0.9 * np.exp(-30.0 * (1.0 - y))


def u_nca_kim2011(y, path):
    """NCA OCP vs Li, tabulated (shared/data/parameters/nca_ocp_Kim2011_data.csv)."""
    data = np.loadtxt(path, delimiter=",", comments="#")
    order = np.argsort(data[:, 0])
    return np.interp(y, data[order, 0], data[order, 1])


def full_cell_ocv(soc, u_pos, u_neg, x0, x100, y0, y100):
    """OCV(SOC) = U+(y) - U-(x) with stoichiometries linear in SOC between the
    0 % and 100 % windows."""
    soc = np.asarray(soc, dtype=float)
    x = x0 + soc * (x100 - x0)
    y = y0 + soc * (y100 - y0)
    return u_pos(y) - u_neg(x)


# --- single-cell 2-RC simulation --------------------------------------------

class Cell:
    """A cell as the engine sees it (SI units; tables over SOC)."""

    def __init__(self, d):
        self.d = d
        self.q_ah = d["capacity_ah"]
        self.v_min = d["voltage_min_v"]
        self.v_max = d["voltage_max_v"]
        self.t_ref = d["temperature_ref_c"] + 273.15
        self.ocv_soc = np.array(d["ocv"]["soc"])
        self.ocv_v = np.array(d["ocv"]["voltage_v"])
        self.dudt_soc = np.array(d["dudt"]["soc"])
        self.dudt = np.array(d["dudt"]["dudt_mv_k"]) * 1e-3
        e = d["ecm"]
        self.ecm_soc = np.array(e["soc"])
        self.r0 = np.array(e["r0_ohm"])
        self.r1 = np.array(e["r1_ohm"])
        self.c1 = np.array(e["c1_f"])
        self.r2 = np.array(e["r2_ohm"])
        self.c2 = np.array(e["c2_f"])
        self.ea_r0 = d["ea_r0_j_mol"]
        self.ea_rc = d["ea_rc_j_mol"]
        th = d["thermal"]
        self.mass = th["mass_kg"]
        self.cp = th["cp_j_kg_k"]
        self.area = th["surface_area_m2"]

    def ocv(self, soc, temp_k):
        return (np.interp(soc, self.ocv_soc, self.ocv_v)
                + (temp_k - self.t_ref) * np.interp(soc, self.dudt_soc, self.dudt))

    def arrhenius(self, ea, temp_k):
        return math.exp(ea / R_GAS * (1.0 / temp_k - 1.0 / self.t_ref))

    def params(self, soc, temp_k):
        a0 = self.arrhenius(self.ea_r0, temp_k)
        ac = self.arrhenius(self.ea_rc, temp_k)
        r0 = np.interp(soc, self.ecm_soc, self.r0) * a0
        r1 = np.interp(soc, self.ecm_soc, self.r1) * ac
        r2 = np.interp(soc, self.ecm_soc, self.r2) * ac
        c1 = np.interp(soc, self.ecm_soc, self.c1)
        c2 = np.interp(soc, self.ecm_soc, self.c2)
        return r0, r1, c1, r2, c2


def simulate(cell, time_s, current_a, soc0, temp0_k, ambient_k, h_w_m2k,
             v1=0.0, v2=0.0, isothermal=False):
    """Integrate the 2-RC model with the exact exponential update over each
    step (current held over the step), lumped thermal node with convection.
    Returns (voltage, temperature_k, soc) arrays at the given times."""
    n = len(time_s)
    v = np.empty(n)
    tk = np.empty(n)
    socs = np.empty(n)
    soc = soc0
    temp = temp0_k
    for k in range(n):
        i = current_a[k]
        r0, r1, c1, r2, c2 = cell.params(soc, temp)
        e = cell.ocv(soc, temp)
        v[k] = e - v1 - v2 - r0 * i
        tk[k] = temp
        socs[k] = soc
        if k + 1 == n:
            break
        dt = time_s[k + 1] - time_s[k]
        a1 = math.exp(-dt / (r1 * c1))
        a2 = math.exp(-dt / (r2 * c2))
        # Bernardi heat over the step, with the start-of-step state
        dudt = np.interp(soc, cell.dudt_soc, cell.dudt)
        q = i * (e - v[k]) - i * temp * dudt
        v1 = v1 * a1 + r1 * i * (1.0 - a1)
        v2 = v2 * a2 + r2 * i * (1.0 - a2)
        soc -= i * dt / (3600.0 * cell.q_ah)
        if not isothermal:
            # exact update of m cp dT/dt = q - h A (T - T_amb) over the step
            k_th = h_w_m2k * cell.area / (cell.mass * cell.cp)
            t_inf = ambient_k + q / (h_w_m2k * cell.area)
            temp = t_inf + (temp - t_inf) * math.exp(-k_th * dt)
    return v, tk, socs


def c3_discharge(cell, dt=1.0, temp_c=25.0):
    """C/3 constant-current discharge from SOC 1 to voltage_min_v at a fixed
    temperature. Returns (ah, wh, hours)."""
    i = cell.q_ah / 3.0
    temp = temp_c + 273.15
    soc = 1.0
    v1 = v2 = 0.0
    ah = wh = 0.0
    t = 0.0
    while t < 5 * 3600:
        r0, r1, c1, r2, c2 = cell.params(soc, temp)
        v = cell.ocv(soc, temp) - v1 - v2 - r0 * i
        if v <= cell.v_min:
            break
        a1 = math.exp(-dt / (r1 * c1))
        a2 = math.exp(-dt / (r2 * c2))
        v1 = v1 * a1 + r1 * i * (1.0 - a1)
        v2 = v2 * a2 + r2 * i * (1.0 - a2)
        soc -= i * dt / (3600.0 * cell.q_ah)
        ah += i * dt / 3600.0
        wh += i * v * dt / 3600.0
        t += dt
    return ah, wh, t / 3600.0
