// convplay — the whole core in one include.
#pragma once

#include "convplay/batchnorm.h"
#include "convplay/conv.h"
#include "convplay/error.h"
#include "convplay/image.h"
#include "convplay/tensor.h"
