#!/usr/bin/env python3
"""Copies the reference data the tests compare against from the project's
shared data folder (../shared/data beside the checkout, or $PS_SHARED_DATA)
into tests/data/reference, so a clone runs its tests without it.

Values are unchanged: CSVs and BPX files are copied byte for byte; of the two
large COMSOL JSON files only the members the tests read are kept (Python's
float repr reads back to the same double). Sources and licences: README.md.
"""
import json
import os
import shutil
import sys

here = os.path.dirname(os.path.abspath(__file__))
shared = os.environ.get("PS_SHARED_DATA",
                        os.path.join(here, "..", "..", "..", "..", "shared", "data"))
if not os.path.isdir(shared):
    sys.exit(f"update.py: no shared data at {shared} (set PS_SHARED_DATA)")

def copy(rel):
    dst = os.path.join(here, rel)
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    shutil.copyfile(os.path.join(shared, rel), dst)

for name in ("comsol_01C_voltage.csv", "comsol_05C_voltage.csv",
             "comsol_1C_voltage.csv", "comsol_3C_voltage.csv"):
    copy(os.path.join("comsol-marquis2019", name))

subsets = {
    "comsol_1C.json": ("time", "x", "c_e", "phi_e", "voltage"),
    "comsol_1plus1D_3C.json": ("time", "voltage", "volume-averaged temperature"),
}
for name, keys in subsets.items():
    with open(os.path.join(shared, "comsol-marquis2019", name)) as f:
        data = json.load(f)
    with open(os.path.join(here, "comsol-marquis2019", name), "w") as f:
        json.dump({k: data[k] for k in keys}, f, separators=(",", ":"))
        f.write("\n")

for name in ("graphite_LGM50_ocp_Chen2020.csv", "nmc_LGM50_ocp_Chen2020.csv",
             "lico2_ocp_Ai2020.csv"):
    copy(os.path.join("parameters", name))

# measurements of the Enertech (Ai 2020) and Kokam (Ecker 2015) cells that
# tests/test-validation-cells.c compares with, and their READMEs
for name in ("1C_discharge_T.txt", "1C_discharge_U.txt", "2C_discharge_T.txt",
             "2C_discharge_U.txt", "README.md"):
    copy(os.path.join("experimental", "enertech-ai2020", name))
for name in ("Ecker_1C.csv", "Ecker_5C.csv", "README.md"):
    copy(os.path.join("experimental", "ecker2015", name))

bpx = os.path.join(shared, "bpx", "examples")
for root, _dirs, files in os.walk(bpx):
    for name in files:
        copy(os.path.relpath(os.path.join(root, name), shared))
copy(os.path.join("bpx", "BPX.md"))
