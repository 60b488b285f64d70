#!/usr/bin/env python3
"""Writes dynamic_ops.onnx: the ONNX operators that take a dynamic batch
(besides gen_dynamic.py's), chained on x [n, 8], and ONNX Runtime's results
for n = 1, 5 and 33 as references. Run with the benchmark venv's python
(benchmarks/.venv/bin/python: onnxruntime from PyPI, Debian's numpy and
onnx)."""
import numpy as np
import onnx
import onnxruntime as ort
from onnx import helper, TensorProto, numpy_helper
F=TensorProto.FLOAT
rng=np.random.default_rng(0)
sc=numpy_helper.from_array(rng.standard_normal(8).astype(np.float32),'sc')
bi=numpy_helper.from_array(rng.standard_normal(8).astype(np.float32),'bi')
lo=numpy_helper.from_array(np.array(-0.5,np.float32),'lo')
hi=numpy_helper.from_array(np.array(0.7,np.float32),'hi')
ax0=numpy_helper.from_array(np.array([0],np.int64),'ax0')
two=numpy_helper.from_array(np.array(2.0,np.float32),'two')
nodes=[
 helper.make_node('LayerNormalization',['x','sc','bi'],['ln'],axis=-1,epsilon=1e-5),
 helper.make_node('Clip',['ln','lo','hi'],['cl']),
 helper.make_node('Greater',['x','cl'],['gt']),
 helper.make_node('Where',['gt','x','cl'],['wh']),
 helper.make_node('LeakyRelu',['wh'],['lr'],alpha=0.1),
 helper.make_node('HardSigmoid',['lr'],['hs']),
 helper.make_node('HardSwish',['hs'],['hw']),
 helper.make_node('Softsign',['hw'],['ss']),
 helper.make_node('Elu',['ss'],['el']),
 helper.make_node('Pow',['el','two'],['pw']),
 helper.make_node('Sum',['pw','x','el'],['sm']),
 helper.make_node('Max',['sm','x'],['mx']),
 helper.make_node('LogSoftmax',['mx'],['ls'],axis=1),
 helper.make_node('ReduceMax',['ls'],['r1'],axes=[1],keepdims=0),
 helper.make_node('ReduceSum',['x','ax0'],['r2'],keepdims=1),
 helper.make_node('Cast',['gt'],['gi'],to=TensorProto.FLOAT),
 helper.make_node('Tanh',['gi'],['th']),
 helper.make_node('Concat',['ls','th'],['cc'],axis=1),
 helper.make_node('Transpose',['cc'],['tr'],perm=[1,0]),
]
g=helper.make_graph(nodes,'ops',[helper.make_tensor_value_info('x',F,['n',8])],
  [helper.make_tensor_value_info('ls',F,['n',8]),helper.make_tensor_value_info('r1',F,['n']),
   helper.make_tensor_value_info('r2',F,[1,8]),helper.make_tensor_value_info('th',F,['n',8]),
   helper.make_tensor_value_info('tr',F,[16,'n'])],[sc,bi,lo,hi,two,ax0])
m=helper.make_model(g,opset_imports=[helper.make_opsetid('',17)]); m.ir_version=8
onnx.checker.check_model(m)
onnx.save(m,'dynamic_ops.onnx')
s=ort.InferenceSession('dynamic_ops.onnx')
for n in [1,5,33]:
    x=rng.standard_normal((n,8)).astype(np.float32)
    np.save(f'dynamic_ops_x{n}.npy',x)
    for i,w in enumerate(s.run(None,{'x':x})):
        np.save(f'dynamic_ops_y{n}_{i}.npy',w)
