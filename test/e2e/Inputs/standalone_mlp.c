/* Links against the object `loom-compile --emit=obj` writes for
 * examples/mlp.mlir and calls its entry point directly: no runtime.
 * Usage: standalone_mlp INPUT.npy EXPECTED.npy (float32, C order). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void loom_main(void *const *inputs, void *const *outputs);

/* Reads the float32 payload of a .npy file (v1/v2 header skipped). */
static float *read_npy(const char *path, size_t expected_count) {
  FILE *f = fopen(path, "rb");
  if (!f) { fprintf(stderr, "cannot open %s\n", path); exit(2); }
  unsigned char head[12];
  if (fread(head, 1, 10, f) != 10 || memcmp(head, "\x93NUMPY", 6) != 0) {
    fprintf(stderr, "%s is not a .npy file\n", path); exit(2);
  }
  size_t header_len = head[8] | (head[9] << 8);
  if (head[6] >= 2) {
    if (fread(head + 10, 1, 2, f) != 2) exit(2);
    header_len |= ((size_t)head[10] << 16) | ((size_t)head[11] << 24);
  }
  fseek(f, (long)header_len, SEEK_CUR);
  float *data = malloc(expected_count * sizeof(float));
  if (fread(data, sizeof(float), expected_count, f) != expected_count) {
    fprintf(stderr, "%s: expected %zu floats\n", path, expected_count); exit(2);
  }
  fclose(f);
  return data;
}

int main(int argc, char **argv) {
  if (argc != 3) return 2;
  float *x = read_npy(argv[1], 8 * 784);
  float *expected = read_npy(argv[2], 8 * 10);
  float y[8 * 10];
  void *inputs[] = {x};
  void *outputs[] = {y};
  loom_main(inputs, outputs);
  double max_err = 0;
  for (int i = 0; i < 80; ++i) {
    double e = fabs(y[i] - expected[i]);
    if (e > max_err) max_err = e;
  }
  printf("max abs error %g\n", max_err);
  printf("row 0:");
  for (int j = 0; j < 10; ++j) printf(" %.6f", y[j]);
  printf("\n");
  return max_err <= 1e-5 ? 0 : 1;
}
