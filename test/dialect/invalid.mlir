// Every verifier error of the loom dialect, with its message.
// RUN: loom-opt %s -split-input-file -verify-diagnostics

func.func @add_element_types(%a: tensor<4xf32>, %b: tensor<4xi32>) {
  // expected-error @+1 {{'loom.add' op element types differ: lhs is f32, rhs is i32}}
  %0 = "loom.add"(%a, %b) : (tensor<4xf32>, tensor<4xi32>) -> tensor<4xf32>
  return
}

// -----

func.func @add_broadcast(%a: tensor<4x8xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{'loom.add' op operands do not broadcast: lhs is 4x8, rhs is 3}}
  %0 = loom.add %a, %b : (tensor<4x8xf32>, tensor<3xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @sub_result(%a: tensor<4x8xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{'loom.sub' op result type is 4x9xf32 but the broadcast of the operands is 4x8xf32}}
  %0 = loom.sub %a, %b : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x9xf32>
  return
}

// -----

func.func @dynamic_shape(%a: tensor<?x4xf32>) {
  // expected-error @+1 {{'loom.argmax' op does not take dynamic dimensions yet: operand #0 is 'tensor<?x4xf32>' (bind the dimension with --input-shape=NAME:DIMS)}}
  %0 = loom.argmax %a dim = 1 : tensor<?x4xf32> -> tensor<?xi64>
  return
}

// -----

func.func @broadcast_dynamic_without_size(%a: tensor<1x4xf32>) {
  // expected-error @+1 {{'loom.broadcast_to' op broadcasts to dynamic dimension 0 of ?x4 without its size: give the result's dynamic sizes as operands}}
  %0 = loom.broadcast_to %a : tensor<1x4xf32> -> tensor<?x4xf32>
  return
}

// -----

func.func @slice_dynamic_dim(%a: tensor<?x4xf32>) {
  // expected-error @+1 {{'loom.slice' op slices dynamic dimension 0 of ?x4; a dynamic dimension is taken whole (start 0, stride 1, limit the dynamic size)}}
  %0 = loom.slice %a starts = [0, 1] limits = [2, 4] strides = [1, 1] : tensor<?x4xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @reshape_dims_count(%a: tensor<?x6xf32>, %n: index) {
  // expected-error @+1 {{'loom.reshape' op has 1 dimension operands but the result ?x?x3 has 2 dynamic dimensions}}
  %0 = loom.reshape %a[%n] : tensor<?x6xf32> -> tensor<?x?x3xf32>
  return
}

// -----

func.func @concat_dynamic_axis(%a: tensor<?x4xf32>) {
  // expected-error @+1 {{'loom.concat' op concatenates along dynamic dimension 0 of ?x4; only static dimensions can be joined}}
  %0 = loom.concat %a, %a axis = 0 : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return
}

// -----

func.func @pow_int(%a: tensor<4xi32>) {
  // expected-error @+1 {{'loom.pow' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or 64-bit float values}}
  %0 = loom.pow %a, %a : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return
}

// -----

func.func @compare_types(%a: tensor<4xf32>, %b: tensor<4xf16>) {
  // expected-error @+1 {{'loom.compare' op element types differ: lhs is f32, rhs is f16}}
  %0 = loom.compare eq, %a, %b : (tensor<4xf32>, tensor<4xf16>) -> tensor<4xi1>
  return
}

// -----

func.func @compare_result(%a: tensor<4xf32>) {
  // expected-error @+1 {{'loom.compare' op result type is 3xi1 but the broadcast of the operands is 4xi1}}
  %0 = loom.compare eq, %a, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<3xi1>
  return
}

// -----

func.func @select_broadcast(%c: tensor<3xi1>, %a: tensor<4xf32>) {
  // expected-error @+1 {{'loom.select' op operands do not broadcast: condition is 3, true value is 4, false value is 4}}
  %0 = loom.select %c, %a, %a : (tensor<3xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @select_types(%c: tensor<4xi1>, %a: tensor<4xf32>, %b: tensor<4xi32>) {
  // expected-error @+1 {{'loom.select' op element types differ: true value is f32, false value is i32}}
  %0 = loom.select %c, %a, %b : (tensor<4xi1>, tensor<4xf32>, tensor<4xi32>) -> tensor<4xf32>
  return
}

// -----

func.func @cast_shape(%a: tensor<4xf32>) {
  // expected-error @+1 {{'loom.cast' op cannot change the shape: input is 4xf32, result is 2x2xi32}}
  %0 = loom.cast %a : tensor<4xf32> to tensor<2x2xi32>
  return
}

// -----

func.func @matmul_contracting(%a: tensor<4x8xf32>, %b: tensor<9x3xf32>) {
  // expected-error @+1 {{'loom.matmul' op contracting dimension mismatch: lhs is 4x8, rhs is 9x3}}
  %0 = loom.matmul %a, %b : (tensor<4x8xf32>, tensor<9x3xf32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @matmul_batch(%a: tensor<2x4x8xf32>, %b: tensor<3x8x3xf32>) {
  // expected-error @+1 {{'loom.matmul' op batch dimensions do not broadcast: lhs is 2x4x8, rhs is 3x8x3}}
  %0 = loom.matmul %a, %b : (tensor<2x4x8xf32>, tensor<3x8x3xf32>) -> tensor<2x4x3xf32>
  return
}

// -----

func.func @matmul_result(%a: tensor<4x8xf32>, %b: tensor<8x3xf32>) {
  // expected-error @+1 {{'loom.matmul' op result type is 4x4xf32 but the matrix product is 4x3xf32}}
  %0 = loom.matmul %a, %b : (tensor<4x8xf32>, tensor<8x3xf32>) -> tensor<4x4xf32>
  return
}

// -----

func.func @matmul_types(%a: tensor<4x8xf32>, %b: tensor<8x3xf16>) {
  // expected-error @+1 {{'loom.matmul' op element types differ: lhs is f32, rhs is f16}}
  %0 = "loom.matmul"(%a, %b) : (tensor<4x8xf32>, tensor<8x3xf16>) -> tensor<4x3xf32>
  return
}

// -----

func.func @linear_weight_rank(%x: tensor<2x8xf32>, %w: tensor<8xf32>) {
  // expected-error @+1 {{'loom.linear' op weight must be out_features x in_features, got 8}}
  %0 = loom.linear %x, %w : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @linear_features(%x: tensor<2x8xf32>, %w: tensor<4x7xf32>) {
  // expected-error @+1 {{'loom.linear' op in_features mismatch: input is 2x8, weight is 4x7}}
  %0 = loom.linear %x, %w : (tensor<2x8xf32>, tensor<4x7xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @linear_bias(%x: tensor<2x8xf32>, %w: tensor<4x8xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{'loom.linear' op bias must have shape 4, got 8}}
  %0 = loom.linear %x, %w, %b : (tensor<2x8xf32>, tensor<4x8xf32>, tensor<8xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @contract_arrow(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'loom.contract' op spec 'ab' has no '->' and explicit output}}
  %0 = loom.contract "ab" %a : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @contract_label(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'loom.contract' op spec 'a1->a' has invalid label '1' (labels are letters a-z, A-Z, or names in braces)}}
  %0 = loom.contract "a1->a" %a : (tensor<2x3xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @contract_brace_label(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'loom.contract' op spec 'a{b-c}->a' has an invalid label '{b-c}' (a label in braces is letters, digits or '_')}}
  %0 = loom.contract "a{b-c}->a" %a : (tensor<2x3xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @contract_repeated_output(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'loom.contract' op spec 'ab->aa' repeats output label 'a'}}
  %0 = loom.contract "ab->aa" %a : (tensor<2x3xf32>) -> tensor<2x2xf32>
  return
}

// -----

func.func @contract_terms(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) {
  // expected-error @+1 {{'loom.contract' op spec 'ab->a' has 1 input terms but there are 2 operands}}
  %0 = loom.contract "ab->a" %a, %b : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @contract_rank(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) {
  // expected-error @+1 {{'loom.contract' op term 'bcd' of operand #1 has 3 labels but the operand is 3x4}}
  %0 = loom.contract "ab,bcd->ac" %a, %b : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @contract_sizes(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{'loom.contract' op label 'b' has size 3 in operand #0 (2x3) but 4 in operand #1 (4x5)}}
  %0 = loom.contract "ab,bc->ac" %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @contract_output_label(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'loom.contract' op output label 'z' does not appear in any input}}
  %0 = loom.contract "ab->az" %a : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @contract_result(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) {
  // expected-error @+1 {{'loom.contract' op result type is 4x2xf32 but the contraction is 2x4xf32}}
  %0 = loom.contract "ab,bc->ac" %a, %b : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<4x2xf32>
  return
}

// -----

func.func @reduce_dim(%x: tensor<8x10xf32>) {
  // expected-error @+1 {{'loom.reduce_sum' op dim 2 is out of range for rank 2}}
  %0 = loom.reduce_sum %x [2] : tensor<8x10xf32> -> tensor<8xf32>
  return
}

// -----

func.func @reduce_repeated(%x: tensor<8x10xf32>) {
  // expected-error @+1 {{'loom.reduce_max' op dim -1 is repeated}}
  %0 = loom.reduce_max %x [1, -1] : tensor<8x10xf32> -> tensor<8xf32>
  return
}

// -----

func.func @reduce_result(%x: tensor<8x10xf32>) {
  // expected-error @+1 {{'loom.reduce_mean' op result type is 8xf32 but the reduction is 8x1xf32}}
  %0 = loom.reduce_mean %x [1] keepdims : tensor<8x10xf32> -> tensor<8xf32>
  return
}

// -----

func.func @argmax_dim(%x: tensor<8x10xf32>) {
  // expected-error @+1 {{'loom.argmax' op dim 3 is out of range for rank 2}}
  %0 = loom.argmax %x dim = 3 : tensor<8x10xf32> -> tensor<8xi64>
  return
}

// -----

func.func @argmax_result(%x: tensor<8x10xf32>) {
  // expected-error @+1 {{'loom.argmax' op result shape is 10 but the reduction is 8}}
  %0 = loom.argmax %x dim = 1 : tensor<8x10xf32> -> tensor<10xi64>
  return
}

// -----

func.func @softmax_axis(%x: tensor<8x10xf32>) {
  // expected-error @+1 {{'loom.softmax' op axis 2 is out of range for rank 2}}
  %0 = loom.softmax %x axis = 2 : tensor<8x10xf32>
  return
}

// -----

func.func @log_softmax_axis(%x: tensor<8x10xf32>) {
  // expected-error @+1 {{'loom.log_softmax' op axis -3 is out of range for rank 2}}
  %0 = loom.log_softmax %x axis = -3 : tensor<8x10xf32>
  return
}

// -----

func.func @layer_norm_scale(%x: tensor<2x8xf32>, %g: tensor<4xf32>) {
  // expected-error @+1 {{'loom.layer_norm' op scale must have the normalized shape 8, got 4}}
  %0 = loom.layer_norm %x scale %g axis = -1 epsilon = 1.0e-05 : (tensor<2x8xf32>, tensor<4xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @layer_norm_epsilon(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{'loom.layer_norm' op epsilon must be >= 0}}
  %0 = loom.layer_norm %x axis = -1 epsilon = -1.0 : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @layer_norm_axis(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{'loom.layer_norm' op axis 2 is out of range for rank 2}}
  %0 = loom.layer_norm %x axis = 2 epsilon = 1.0 : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @reshape_count(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'loom.reshape' op element count changes: input is 2x3 (6 elements), result is 7 (7 elements)}}
  %0 = loom.reshape %x : tensor<2x3xf32> -> tensor<7xf32>
  return
}

// -----

func.func @reshape_type(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'loom.reshape' op element type changes from f32 to i32}}
  %0 = loom.reshape %x : tensor<2x3xf32> -> tensor<6xi32>
  return
}

// -----

func.func @transpose_perm(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'loom.transpose' op [0, 0] is not a permutation of 0..1}}
  %0 = loom.transpose %x [0, 0] : tensor<2x3xf32> -> tensor<2x2xf32>
  return
}

// -----

func.func @transpose_rank(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'loom.transpose' op permutation has 3 entries but the input is 2x3}}
  %0 = loom.transpose %x [0, 1, 2] : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @transpose_result(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'loom.transpose' op result type is 2x3xf32 but the transposed input is 3x2xf32}}
  %0 = loom.transpose %x [1, 0] : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @broadcast_to(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'loom.broadcast_to' op input 2x3 does not broadcast to 4x3}}
  %0 = loom.broadcast_to %x : tensor<2x3xf32> -> tensor<4x3xf32>
  return
}

// -----

func.func @concat_shapes(%a: tensor<2x3xf32>, %b: tensor<3x3xf32>) {
  // expected-error @+1 {{'loom.concat' op operand #1 is 3x3 but operand #0 is 2x3; they may differ only in dim 1}}
  %0 = loom.concat %a, %b axis = 1 : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<2x6xf32>
  return
}

// -----

func.func @concat_axis(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'loom.concat' op axis 2 is out of range for rank 2}}
  %0 = loom.concat %a axis = 2 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @concat_types(%a: tensor<2x3xf32>, %b: tensor<2x3xi32>) {
  // expected-error @+1 {{'loom.concat' op operand #1 has element type i32, operand #0 has f32}}
  %0 = "loom.concat"(%a, %b) {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x3xi32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @slice_bounds(%x: tensor<10x4xf32>) {
  // expected-error @+1 {{'loom.slice' op slice [0:5] of dim 1 is outside the input 10x4}}
  %0 = loom.slice %x starts = [0, 0] limits = [10, 5] strides = [1, 1] : tensor<10x4xf32> -> tensor<10x5xf32>
  return
}

// -----

func.func @slice_stride(%x: tensor<10x4xf32>) {
  // expected-error @+1 {{'loom.slice' op `strides` values must be >= 1, got [0, 1]}}
  %0 = loom.slice %x starts = [0, 0] limits = [10, 4] strides = [0, 1] : tensor<10x4xf32> -> tensor<10x4xf32>
  return
}

// -----

func.func @slice_count(%x: tensor<10x4xf32>) {
  // expected-error @+1 {{'loom.slice' op expects 2 values in `starts`, got [0]}}
  %0 = loom.slice %x starts = [0] limits = [10, 4] strides = [1, 1] : tensor<10x4xf32> -> tensor<10x4xf32>
  return
}

// -----

func.func @pad_negative(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'loom.pad' op `low` values must be >= 0, got [-1, 0]}}
  %0 = loom.pad %x low = [-1, 0] high = [0, 0] : tensor<2x3xf32> -> tensor<1x3xf32>
  return
}

// -----

func.func @pad_result(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'loom.pad' op result type is 2x3xf32 but the padded input is 3x3xf32}}
  %0 = loom.pad %x low = [1, 0] high = [0, 0] : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @segment_sum_ids(%x: tensor<5x4xf32>, %i: tensor<4xi64>) {
  // expected-error @+1 {{'loom.segment_sum' op segment_ids must be one id per row of data (5), got 4}}
  %0 = loom.segment_sum %x, %i num_segments = 3 : (tensor<5x4xf32>, tensor<4xi64>) -> tensor<3x4xf32>
  return
}

// -----

func.func @segment_sum_bounds(%x: tensor<3x4xf32>) {
  %i = loom.constant dense<[0, 2, 3]> : tensor<3xi64>
  // expected-error @+1 {{'loom.segment_sum' op segment id 3 (row 2) is out of range [0, 3)}}
  %0 = loom.segment_sum %x, %i num_segments = 3 : (tensor<3x4xf32>, tensor<3xi64>) -> tensor<3x4xf32>
  return
}

// -----

func.func @segment_sum_result(%x: tensor<3x4xf32>, %i: tensor<3xi64>) {
  // expected-error @+1 {{'loom.segment_sum' op result type is 3x4xf32 but the segment sum is 2x4xf32}}
  %0 = loom.segment_sum %x, %i num_segments = 2 : (tensor<3x4xf32>, tensor<3xi64>) -> tensor<3x4xf32>
  return
}

// -----

func.func @gather_axis(%x: tensor<10x4xf32>, %i: tensor<3xi32>) {
  // expected-error @+1 {{'loom.gather' op axis 2 is out of range for rank 2}}
  %0 = loom.gather %x, %i axis = 2 : (tensor<10x4xf32>, tensor<3xi32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @gather_indices(%x: tensor<10x4xf32>, %i: tensor<3xf32>) {
  // expected-error @+1 {{'loom.gather' op operand #1 must be ranked tensor of 32-bit signless integer or 64-bit signless integer values}}
  %0 = loom.gather %x, %i axis = 0 : (tensor<10x4xf32>, tensor<3xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @conv_rank(%x: tensor<8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'loom.conv' op input must be N x C x 1 to 3 spatial dimensions (rank 3 to 5), got 8x8}}
  %0 = loom.conv %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_weight_rank(%x: tensor<3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'loom.conv' op weight must be F x C/groups x kernel (rank 3, like the input), got 4x3x3x3}}
  %0 = loom.conv %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_channels(%x: tensor<1x3x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{'loom.conv' op channel mismatch: input is 1x3x8x8 with groups = 1, weight is 4x2x3x3}}
  %0 = loom.conv %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x3x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_groups(%x: tensor<1x4x8x8xf32>, %w: tensor<6x2x3x3xf32>) {
  // expected-error @+1 {{'loom.conv' op groups = 3 must divide the input channels (4) and the output channels (6)}}
  %0 = loom.conv %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 3 : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>) -> tensor<1x6x6x6xf32>
  return
}

// -----

func.func @conv_kernel(%x: tensor<1x3x2x2xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'loom.conv' op kernel [3, 3] with dilations [1, 1] does not fit the input 1x3x2x2 padded by [0, 0, 0, 0]}}
  %0 = loom.conv %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x3x2x2xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x1x1xf32>
  return
}

// -----

func.func @conv_bias(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{'loom.conv' op bias must have shape 4, got 3}}
  %0 = loom.conv %x, %w, %b strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_result(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'loom.conv' op result type is 1x4x8x8xf32 but the convolution is 1x4x6x6xf32}}
  %0 = loom.conv %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

func.func @conv_strides(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'loom.conv' op expects 2 values in `strides`, got [1]}}
  %0 = loom.conv %x, %w strides = [1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @max_pool_dilations(%x: tensor<1x3x8x8xf32>) {
  // expected-error @+1 {{'loom.max_pool' op expects 2 values in `dilations`, got [2]}}
  %0 = loom.max_pool %x kernel = [2, 2] strides = [2, 2] dilations = [2] padding = [0, 0, 0, 0] : tensor<1x3x8x8xf32> -> tensor<1x3x4x4xf32>
  return
}

// -----

func.func @avg_pool_kernel(%x: tensor<1x3x2x2xf32>) {
  // expected-error @+1 {{'loom.avg_pool' op kernel [3, 3] with dilations [1, 1] does not fit the input 1x3x2x2 padded by [0, 0, 0, 0]}}
  %0 = loom.avg_pool %x kernel = [3, 3] strides = [1, 1] padding = [0, 0, 0, 0] : tensor<1x3x2x2xf32> -> tensor<1x3x1x1xf32>
  return
}

// -----

func.func @avg_pool_result(%x: tensor<1x3x8x8xf32>) {
  // expected-error @+1 {{'loom.avg_pool' op result type is 1x3x8x8xf32 but the pooled input is 1x3x4x4xf32}}
  %0 = loom.avg_pool %x kernel = [2, 2] strides = [2, 2] padding = [0, 0, 0, 0] : tensor<1x3x8x8xf32> -> tensor<1x3x8x8xf32>
  return
}

// -----

func.func @global_pool(%x: tensor<8x8xf32>) {
  // expected-error @+1 {{'loom.global_avg_pool' op input must be N x C x 1 to 3 spatial dimensions (rank 3 to 5), got 8x8}}
  %0 = loom.global_avg_pool %x : tensor<8x8xf32> -> tensor<8x1xf32>
  return
}

// -----

func.func @floor_int(%x: tensor<4xi32>) {
  // expected-error @+1 {{'loom.floor' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or 64-bit float values, but got 'tensor<4xi32>'}}
  %0 = "loom.floor"(%x) : (tensor<4xi32>) -> tensor<4xi32>
  return
}

// -----

func.func @pad_dynamic_dim(%x: tensor<?x3xf32>) {
  // expected-error @+1 {{'loom.pad' op pads dynamic dimension 0 of ?x3; only static dimensions can be padded}}
  %0 = loom.pad %x low = [1, 0] high = [0, 0] : tensor<?x3xf32> -> tensor<?x3xf32>
  return
}

// -----

func.func @dispatch_result_dims(%x: tensor<?x4xf32>) {
  // expected-error @+1 {{'loom.dispatch' op has 0 result_dims for the results' 1 dynamic dimensions}}
  %0 = loom.dispatch(%x) : (tensor<?x4xf32>) -> tensor<?x4xf32> {
  ^bb0(%a: tensor<?x4xf32>):
    loom.yield %a : tensor<?x4xf32>
  }
  return
}

// -----

func.func @iota_dynamic_without_size() {
  // expected-error @+1 {{'loom.iota' op has a dynamic result but no size operand ?}}
  %0 = loom.iota start = 0 step = 1 : tensor<?xi64>
  return
}
