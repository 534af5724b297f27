// convplay — the whole core in one include.
#pragma once

#include "convplay/batchnorm.h"
#include "convplay/conv.h"
#include "convplay/dataset.h"
#include "convplay/error.h"
#include "convplay/idx.h"
#include "convplay/image.h"
#include "convplay/layers.h"
#include "convplay/network.h"
#include "convplay/network_lab.h"
#include "convplay/network_optim.h"
#include "convplay/tensor.h"
