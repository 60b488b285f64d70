/* loom-embed: a small C application built against the installed Loom
 * runtime (find_package(LoomRuntime) or pkg-config loom-runtime).
 *
 *   loom-embed MODULE.loom [FUNCTION [INPUT.npy ...]]
 *
 * Loads the module, prints every function's signature, then calls FUNCTION
 * (default: the only function, else "main") on the given .npy inputs, or on
 * inputs made from a deterministic pattern when none are given (a dynamic
 * dimension, -1 in the signature, is then 1), and prints each result's type
 * and first values. Exit status 0 on success, 1 with a
 * message on any error. */
#include <loom/runtime.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Prints the status's message and frees it; returns 1 if it was an error. */
static int failed(loom_status_t status, const char *what) {
  if (!status)
    return 0;
  fprintf(stderr, "error: %s: %s\n", what, loom_status_message(status));
  loom_status_free(status);
  return 1;
}

/* Fills a new tensor with ((i % 7) - 3) / 4 (floats) or i % 5 (integers).
 * f16/bf16 inputs are left zero: C has no portable half type. A dynamic
 * dimension (-1) gets size 1. */
static loom_status_t make_pattern_input(loom_tensor_type_t type,
                                        loom_tensor_t **out) {
  int64_t shape[16];
  for (size_t d = 0; d < type.rank && d < 16; ++d)
    shape[d] = type.shape[d] < 0 ? 1 : type.shape[d];
  loom_status_t status = loom_tensor_allocate(
      type.dtype, type.rank, type.rank <= 16 ? shape : type.shape, out);
  if (status)
    return status;
  void *data = loom_tensor_data(*out);
  size_t n = loom_tensor_element_count(*out);
  for (size_t i = 0; i < n; ++i) {
    double f = ((double)(i % 7) - 3.0) / 4.0;
    switch (type.dtype) {
    case LOOM_DTYPE_F32: ((float *)data)[i] = (float)f; break;
    case LOOM_DTYPE_F64: ((double *)data)[i] = f; break;
    case LOOM_DTYPE_I32: ((int32_t *)data)[i] = (int32_t)(i % 5); break;
    case LOOM_DTYPE_I64: ((int64_t *)data)[i] = (int64_t)(i % 5); break;
    case LOOM_DTYPE_I8: ((int8_t *)data)[i] = (int8_t)(i % 5); break;
    case LOOM_DTYPE_I1: ((uint8_t *)data)[i] = (uint8_t)(i % 2); break;
    default: break;
    }
  }
  return NULL;
}

static void print_result(size_t index, loom_tensor_t *tensor) {
  char type[256];
  loom_tensor_type_format(loom_tensor_type(tensor), type, sizeof(type));
  printf("result[%zu]: %s =", index, type);
  size_t n = loom_tensor_element_count(tensor), shown = n < 8 ? n : 8;
  const void *data = loom_tensor_data(tensor);
  for (size_t i = 0; i < shown; ++i) {
    switch (loom_tensor_dtype(tensor)) {
    case LOOM_DTYPE_F32: printf(" %g", ((const float *)data)[i]); break;
    case LOOM_DTYPE_F64: printf(" %g", ((const double *)data)[i]); break;
    case LOOM_DTYPE_I32: printf(" %d", ((const int32_t *)data)[i]); break;
    case LOOM_DTYPE_I64:
      printf(" %lld", (long long)((const int64_t *)data)[i]);
      break;
    case LOOM_DTYPE_I8: printf(" %d", ((const int8_t *)data)[i]); break;
    case LOOM_DTYPE_I1: printf(" %d", ((const uint8_t *)data)[i]); break;
    default: printf(" 0x%04x", ((const uint16_t *)data)[i]); break;
    }
  }
  printf("%s\n", shown < n ? " ..." : "");
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s MODULE.loom [FUNCTION [INPUT.npy ...]]\n",
            argv[0]);
    return 1;
  }
  int rc = 1;
  loom_runtime_t *runtime = NULL;
  loom_module_t *module = NULL;
  loom_tensor_t **inputs = NULL, **outputs = NULL;
  size_t input_count = 0, output_count = 0;

  printf("Loom runtime %s (module format %u)\n", loom_runtime_version(),
         loom_runtime_module_format_version());
  loom_runtime_options_t options;
  loom_runtime_options_init(&options); /* cpu, one thread per core */
  if (failed(loom_runtime_create(&options, &runtime), "creating the runtime"))
    goto done;
  if (failed(loom_module_load_file(runtime, argv[1], &module), argv[1]))
    goto done;

  size_t count = loom_module_function_count(module);
  printf("%s: %zu function%s for target %s\n", argv[1], count,
         count == 1 ? "" : "s", loom_module_target(module));
  for (size_t i = 0; i < count; ++i) {
    loom_function_t *fn = NULL;
    if (failed(loom_module_function_at(module, i, &fn), "listing functions"))
      goto done;
    printf("  %s\n", loom_function_signature(fn));
  }

  loom_function_t *fn = NULL;
  const char *name = argc > 2 ? argv[2] : NULL;
  loom_status_t status =
      name ? loom_module_lookup_function(module, name, &fn)
      : count == 1 ? loom_module_function_at(module, 0, &fn)
                   : loom_module_lookup_function(module, "main", &fn);
  if (failed(status, "choosing the function"))
    goto done;

  input_count = loom_function_input_count(fn);
  output_count = loom_function_output_count(fn);
  inputs = calloc(input_count + 1, sizeof(*inputs));
  outputs = calloc(output_count + 1, sizeof(*outputs));
  if (!inputs || !outputs) {
    fprintf(stderr, "error: out of memory\n");
    goto done;
  }
  int npy_inputs = argc - 3;
  if (npy_inputs > 0 && (size_t)npy_inputs != input_count) {
    fprintf(stderr, "error: %s takes %zu inputs, got %d .npy files\n",
            loom_function_signature(fn), input_count, npy_inputs);
    goto done;
  }
  for (size_t i = 0; i < input_count; ++i) {
    loom_tensor_type_t type;
    if (failed(loom_function_input_type(fn, i, &type), "reading the signature"))
      goto done;
    status = npy_inputs > 0 ? loom_npy_read_file(argv[3 + i], &inputs[i])
                            : make_pattern_input(type, &inputs[i]);
    if (failed(status, "making an input"))
      goto done;
  }

  if (failed(loom_function_call(fn, inputs, input_count, outputs,
                                output_count),
             loom_function_name(fn)))
    goto done;
  printf("called %s\n", loom_function_name(fn));
  for (size_t i = 0; i < output_count; ++i)
    print_result(i, outputs[i]);
  rc = 0;

done:
  for (size_t i = 0; inputs && i < input_count; ++i)
    loom_tensor_release(inputs[i]);
  for (size_t i = 0; outputs && i < output_count; ++i)
    loom_tensor_release(outputs[i]);
  free(inputs);
  free(outputs);
  loom_module_release(module);
  loom_runtime_release(runtime);
  return rc;
}
