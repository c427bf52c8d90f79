// oneDNN 2.x C API glue for reid-bench (see onednn_bench.h).
#include "onednn_bench.h"

#include <oneapi/dnnl/dnnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct reid_onednn_conv {
  dnnl_engine_t engine;
  dnnl_stream_t stream;
  dnnl_primitive_desc_t pd;
  dnnl_primitive_t primitive;
  dnnl_memory_t memories[3];
  dnnl_exec_arg_t args[3];
  const char *implementation;
};

static void fill(dnnl_memory_t memory, const dnnl_memory_desc_t *md, float value) {
  void *data = NULL;
  dnnl_memory_get_data_handle(memory, &data);
  const size_t count = dnnl_memory_desc_get_size(md) / sizeof(float);
  float *f = data;
  for (size_t i = 0; i < count; i++) f[i] = value * (float)(1 + i % 7);
}

reid_onednn_conv *reid_onednn_conv_create(
    const reid_onednn_shape *s, int pass, char *error, int64_t error_size) {
  reid_onednn_conv *c = calloc(1, sizeof *c);
  dnnl_memory_desc_t src, wei, dst, any_src, any_dst;
  const dnnl_dims_t src_dims = {s->n, s->cin, s->h, s->w};
  const dnnl_dims_t wei_dims = {s->cout, s->cin, s->kh, s->kw};
  const dnnl_dims_t dst_dims = {s->n, s->cout, s->ho, s->wo};
  const dnnl_dims_t strides = {s->stride_h, s->stride_w};
  const dnnl_dims_t dilates = {s->dilation_h - 1, s->dilation_w - 1};
  const dnnl_dims_t pad_l = {s->pad_h, s->pad_w};
  // Right padding so that the output size is exactly ho x wo (PyTorch's floor).
  const dnnl_dims_t pad_r = {
      (s->ho - 1) * s->stride_h + (s->kh - 1) * s->dilation_h + 1 - s->h - s->pad_h,
      (s->wo - 1) * s->stride_w + (s->kw - 1) * s->dilation_w + 1 - s->w - s->pad_w};
  dnnl_memory_desc_init_by_tag(&src, 4, src_dims, dnnl_f32, dnnl_nhwc);
  dnnl_memory_desc_init_by_tag(&dst, 4, dst_dims, dnnl_f32, dnnl_nhwc);
  dnnl_memory_desc_init_by_tag(&wei, 4, wei_dims, dnnl_f32, dnnl_format_tag_any);
  any_src = src;
  any_dst = dst;
  dnnl_status_t status = dnnl_engine_create(&c->engine, dnnl_cpu, 0);
  if (status == dnnl_success) status = dnnl_stream_create(&c->stream, c->engine, dnnl_stream_default_flags);
  // Backward passes need the forward primitive descriptor as a hint.
  dnnl_convolution_desc_t forward_desc, desc;
  dnnl_primitive_desc_t hint = NULL;
  if (status == dnnl_success)
    status = dnnl_dilated_convolution_forward_desc_init(
        &forward_desc, dnnl_forward_training, dnnl_convolution_direct, &any_src, &wei, NULL,
        &any_dst, strides, dilates, pad_l, pad_r);
  if (status == dnnl_success)
    status = dnnl_primitive_desc_create(&hint, &forward_desc, NULL, c->engine, NULL);
  if (status == dnnl_success) {
    if (pass == 0) {
      c->pd = hint;
      hint = NULL;
    } else {
      if (pass == 1)
        status = dnnl_dilated_convolution_backward_data_desc_init(
            &desc, dnnl_convolution_direct, &src, &wei, &dst, strides, dilates, pad_l, pad_r);
      else
        status = dnnl_dilated_convolution_backward_weights_desc_init(
            &desc, dnnl_convolution_direct, &src, &wei, NULL, &dst, strides, dilates, pad_l,
            pad_r);
      if (status == dnnl_success)
        status = dnnl_primitive_desc_create(&c->pd, &desc, NULL, c->engine, hint);
    }
  }
  if (hint) dnnl_primitive_desc_destroy(hint);
  if (status == dnnl_success) status = dnnl_primitive_create(&c->primitive, c->pd);
  if (status != dnnl_success) {
    snprintf(error, (size_t)error_size, "oneDNN status %d for pass %d", (int)status, pass);
    reid_onednn_conv_destroy(c);
    return NULL;
  }
  // The operands in the formats the primitive expects.
  static const int forward_args[3] = {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST};
  static const int data_args[3] = {DNNL_ARG_DIFF_DST, DNNL_ARG_WEIGHTS, DNNL_ARG_DIFF_SRC};
  static const int weight_args[3] = {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS};
  const int *args = pass == 0 ? forward_args : pass == 1 ? data_args : weight_args;
  for (int a = 0; a < 3; a++) {
    const dnnl_memory_desc_t *md = dnnl_primitive_desc_query_md(c->pd, dnnl_query_exec_arg_md, args[a]);
    dnnl_memory_create(&c->memories[a], md, c->engine, DNNL_MEMORY_ALLOCATE);
    fill(c->memories[a], md, 0.01f);
    c->args[a].arg = args[a];
    c->args[a].memory = c->memories[a];
  }
  const char *name = NULL;
  dnnl_primitive_desc_query(c->pd, dnnl_query_impl_info_str, 0, &name);
  c->implementation = name ? name : "unknown";
  return c;
}

int reid_onednn_conv_execute(reid_onednn_conv *c) {
  if (dnnl_primitive_execute(c->primitive, c->stream, 3, c->args) != dnnl_success) return 1;
  return dnnl_stream_wait(c->stream) != dnnl_success;
}

const char *reid_onednn_conv_implementation(const reid_onednn_conv *c) { return c->implementation; }

void reid_onednn_conv_destroy(reid_onednn_conv *c) {
  if (!c) return;
  for (int a = 0; a < 3; a++)
    if (c->memories[a]) dnnl_memory_destroy(c->memories[a]);
  if (c->primitive) dnnl_primitive_destroy(c->primitive);
  if (c->pd) dnnl_primitive_desc_destroy(c->pd);
  if (c->stream) dnnl_stream_destroy(c->stream);
  if (c->engine) dnnl_engine_destroy(c->engine);
  free(c);
}
