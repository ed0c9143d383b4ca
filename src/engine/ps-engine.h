/* ps-engine.h: the whole engine layer */
#pragma once

#include "ps-bms.h"
#include "ps-drive-cycle.h"
#include "ps-error.h"
#include "ps-events.h"
#include "ps-table.h"
#include "ps-cell-type.h"
#include "ps-pack.h"
#include "ps-protocol.h"
#include "ps-profile.h"
#include "ps-scenario.h"
#include "ps-frame.h"
#include "ps-simulation.h"
#include "ps-recorder.h"
#include "ps-runner.h"
#include "ps-vehicle.h"
