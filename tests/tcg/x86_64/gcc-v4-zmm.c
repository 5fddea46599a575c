/*
 * gcc-v4-zmm: gcc-v4-kernels.h built with -O3 -march=x86-64-v4, 512-bit vectors (-mprefer-vector-width=512). Natively on an AVX-512
 * host and under the emulator with AVX-512 announced: identical output.
 *
 * build: -O3 -march=x86-64-v4 -mprefer-vector-width=512 -fno-tree-loop-distribute-patterns -fno-math-errno -static
 * test host: -cpu max,+avx512f,+avx512cd,+avx512bw,+avx512dq,+avx512vl -xcr0 host -xsave-layout host => native
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "gcc-v4-kernels.h"
