// Elementwise loops over strided operands: out = f(a), out = f(a, b), out = f(a, b, c), and the
// dtype-converting copy. All operands share one shape (broadcasting happened before, as stride-0
// views). Each loop has a contiguous path written as a plain indexed loop so it vectorises, plus
// a stride-0 path for scalars, plus the general strided path.
#pragma once

#include <cstdint>
#include <vector>

#include "ember/core/float_to_int.h"
#include "ember/core/reduced_float.h"
#include "ember/kernels/strided_loop.h"

namespace ember::kernels {

template <class Out, class A, class F>
void unary(const std::vector<int64_t>& sizes, Out* out, const int64_t* out_strides, const A* a,
           const int64_t* a_strides, F f) {
  for_each_strided<2>(
      sizes, {{{reinterpret_cast<char*>(out), sizeof(Out), out_strides},
               {reinterpret_cast<char*>(const_cast<A*>(a)), sizeof(A), a_strides}}},
      [&](char* const* p, const int64_t* s, int64_t n) {
        Out* o = reinterpret_cast<Out*>(p[0]);
        const A* x = reinterpret_cast<const A*>(p[1]);
        if (s[0] == sizeof(Out) && s[1] == sizeof(A)) {
          for (int64_t i = 0; i < n; ++i) o[i] = f(x[i]);
        } else if (s[0] == sizeof(Out) && s[1] == 0) {
          const Out v = f(x[0]);
          for (int64_t i = 0; i < n; ++i) o[i] = v;
        } else {
          for (int64_t i = 0; i < n; ++i)
            *reinterpret_cast<Out*>(p[0] + i * s[0]) = f(*reinterpret_cast<const A*>(p[1] + i * s[1]));
        }
      });
}

template <class Out, class A, class B, class F>
void binary(const std::vector<int64_t>& sizes, Out* out, const int64_t* out_strides, const A* a,
            const int64_t* a_strides, const B* b, const int64_t* b_strides, F f) {
  for_each_strided<3>(
      sizes, {{{reinterpret_cast<char*>(out), sizeof(Out), out_strides},
               {reinterpret_cast<char*>(const_cast<A*>(a)), sizeof(A), a_strides},
               {reinterpret_cast<char*>(const_cast<B*>(b)), sizeof(B), b_strides}}},
      [&](char* const* p, const int64_t* s, int64_t n) {
        Out* o = reinterpret_cast<Out*>(p[0]);
        const A* x = reinterpret_cast<const A*>(p[1]);
        const B* y = reinterpret_cast<const B*>(p[2]);
        const bool out_c = s[0] == sizeof(Out);
        if (out_c && s[1] == sizeof(A) && s[2] == sizeof(B)) {
          for (int64_t i = 0; i < n; ++i) o[i] = f(x[i], y[i]);
        } else if (out_c && s[1] == sizeof(A) && s[2] == 0) {
          const B v = y[0];
          for (int64_t i = 0; i < n; ++i) o[i] = f(x[i], v);
        } else if (out_c && s[1] == 0 && s[2] == sizeof(B)) {
          const A v = x[0];
          for (int64_t i = 0; i < n; ++i) o[i] = f(v, y[i]);
        } else {
          for (int64_t i = 0; i < n; ++i)
            *reinterpret_cast<Out*>(p[0] + i * s[0]) =
                f(*reinterpret_cast<const A*>(p[1] + i * s[1]), *reinterpret_cast<const B*>(p[2] + i * s[2]));
        }
      });
}

template <class Out, class A, class B, class C, class F>
void ternary(const std::vector<int64_t>& sizes, Out* out, const int64_t* out_strides, const A* a,
             const int64_t* a_strides, const B* b, const int64_t* b_strides, const C* c,
             const int64_t* c_strides, F f) {
  for_each_strided<4>(
      sizes, {{{reinterpret_cast<char*>(out), sizeof(Out), out_strides},
               {reinterpret_cast<char*>(const_cast<A*>(a)), sizeof(A), a_strides},
               {reinterpret_cast<char*>(const_cast<B*>(b)), sizeof(B), b_strides},
               {reinterpret_cast<char*>(const_cast<C*>(c)), sizeof(C), c_strides}}},
      [&](char* const* p, const int64_t* s, int64_t n) {
        for (int64_t i = 0; i < n; ++i)
          *reinterpret_cast<Out*>(p[0] + i * s[0]) =
              f(*reinterpret_cast<const A*>(p[1] + i * s[1]), *reinterpret_cast<const B*>(p[2] + i * s[2]),
                *reinterpret_cast<const C*>(p[3] + i * s[3]));
      });
}

/// out = in converted to Out, elementwise; the dtype conversion behind to() and copy_(). Floats
/// become integers by float_to_int (defined for NaN and out-of-range values). The 16-bit floats
/// convert through float32, as PyTorch's (float64 -> bfloat16 rounds twice there too).
template <class Out, class In>
void cast(const std::vector<int64_t>& sizes, Out* out, const int64_t* out_strides, const In* in,
          const int64_t* in_strides) {
  constexpr bool in_16bit = std::is_same_v<In, BFloat16> || std::is_same_v<In, Half>;
  constexpr bool out_16bit = std::is_same_v<Out, BFloat16> || std::is_same_v<Out, Half>;
  if constexpr (in_16bit && !std::is_same_v<In, Out>) {
    unary(sizes, out, out_strides, in, in_strides, [](In v) {
      const float f = v;
      if constexpr (std::is_same_v<Out, bool>) return f != 0.0f;
      else if constexpr (std::is_integral_v<Out>) return float_to_int<Out>(f);
      else return static_cast<Out>(f);
    });
  } else if constexpr (out_16bit && !std::is_same_v<In, Out>) {
    unary(sizes, out, out_strides, in, in_strides, [](In v) { return Out(static_cast<float>(v)); });
  } else {
    unary(sizes, out, out_strides, in, in_strides, [](In v) {
      if constexpr (std::is_same_v<Out, bool>) return v != In(0);
      else if constexpr (std::is_floating_point_v<In> && std::is_integral_v<Out>) return float_to_int<Out>(v);
      else return static_cast<Out>(v);
    });
  }
}

}  // namespace ember::kernels
