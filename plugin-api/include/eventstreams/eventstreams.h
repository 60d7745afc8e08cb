// Everything a plugin compiles against.
#pragma once

#include "eventstreams/abi.h"
#include "eventstreams/config_keys.h"
#include "eventstreams/encoder.h"
#include "eventstreams/event_batch.h"
#include "eventstreams/guarded_create.h"
#include "eventstreams/host_services.h"
#include "eventstreams/json_escape.h"
#include "eventstreams/log_every.h"
#include "eventstreams/source.h"
#include "eventstreams/transform.h"
