/* ps-protocol.c: not written yet */
#include "config.h"

#include "ps-protocol.h"
