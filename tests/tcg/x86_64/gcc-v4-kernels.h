/*
 * Loop kernels of the kind GCC vectorises (issue 15, EVEX-PLAN 2b): saxpy, sums, a dot product,
 * a conditional store, byte copy and xor, a clamp, conversions both ways, widening, max, square
 * roots, 64-bit multiplies. Included by gcc-v4.c and gcc-v4-zmm.c, which build it for
 * x86-64-v4 with GCC's default 256-bit preference and with 512-bit vectors.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#define N 4099
float xa[N], ya[N], fa[N]; double da[N], db[N]; int32_t ia[N], ib[N], ic[N]; uint8_t ba[N], bb[N]; uint16_t wa[N]; int64_t qa[N];
__attribute__((noinline)) void saxpy(float a){ for (int i=0;i<N;i++) ya[i] = a*xa[i] + ya[i]; }
__attribute__((noinline)) int32_t isum(void){ int32_t s=0; for(int i=0;i<N;i++) s += ia[i]; return s; }
__attribute__((noinline)) double dot(void){ double s=0; for(int i=0;i<N;i++) s += da[i]*db[i]; return s; }
__attribute__((noinline)) void cstore(void){ for(int i=0;i<N;i++) if (ic[i] > 0) ia[i] = ib[i] + 1; }
__attribute__((noinline)) void bcopy_(void){ for(int i=0;i<N;i++) bb[i] = ba[i]; }
__attribute__((noinline)) void bxor(void){ for(int i=0;i<N;i++) bb[i] ^= ba[i]; }
__attribute__((noinline)) void clamp(void){ for(int i=0;i<N;i++) fa[i] = fa[i] < 0 ? 0 : fa[i] > 1 ? 1 : fa[i]; }
__attribute__((noinline)) void i2f(void){ for(int i=0;i<N;i++) xa[i] = (float)ib[i]; }
__attribute__((noinline)) uint32_t bcount(void){ uint32_t s=0; for(int i=0;i<N;i++) s += ba[i]; return s; }
__attribute__((noinline)) void widen(void){ for(int i=0;i<N;i++) { wa[i] = ba[i]; qa[i] = ia[i]; } }
__attribute__((noinline)) double dmax(void){ double m=-1e300; for(int i=0;i<N;i++) m = da[i] > m ? da[i] : m; return m; }
__attribute__((noinline)) void f2i(void){ for(int i=0;i<N;i++) ic[i] = (int)(fa[i]*1000.0f); }
__attribute__((noinline)) void dsqrt(void){ for(int i=0;i<N;i++) db[i] = __builtin_sqrt(__builtin_fabs(da[i])); }
__attribute__((noinline)) int64_t qmul(void){ int64_t s=0; for(int i=0;i<N;i++) s += qa[i]*qa[i]; return s; }
int main(void){
  srand(3);
  for(int i=0;i<N;i++){ xa[i]=rand()/(float)RAND_MAX-0.3f; ya[i]=rand()%100; fa[i]=rand()/(float)RAND_MAX*3-1; da[i]=rand()/1e6; db[i]=rand()%7; ia[i]=rand()-RAND_MAX/2; ib[i]=rand()%1000-500; ic[i]=rand()%5-2; ba[i]=rand(); bb[i]=rand(); }
  saxpy(1.5f); cstore(); bcopy_(); bxor(); clamp(); i2f(); widen(); f2i(); dsqrt();
  unsigned long long h=1469598103934665603ull; 
  #define M(p,n) for(size_t k=0;k<n;k++){ h=(h^((unsigned char*)p)[k])*1099511628211ull; }
  M(ya,sizeof ya) M(ia,sizeof ia) M(bb,sizeof bb) M(fa,sizeof fa) M(xa,sizeof xa) M(wa,sizeof wa) M(qa,sizeof qa) M(ic,sizeof ic) M(db,sizeof db)
  printf("%d %.17g %u %.17g %lld %016llx\n", isum(), dot(), bcount(), dmax(), (long long)qmul(), h);
}
