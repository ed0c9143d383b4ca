/* ps-engine.h: the whole engine layer */
#pragma once

#include "ps-error.h"
#include "ps-table.h"
#include "ps-cell-type.h"
#include "ps-electrochem.h"
#include "ps-bpx.h"
#include "ps-pack.h"
#include "ps-protocol.h"
#include "ps-scenario.h"
#include "ps-frame.h"
#include "ps-simulation.h"
#include "ps-recorder.h"
#include "ps-runner.h"
