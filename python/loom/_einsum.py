"""loom.einsum and loom.einsum_path: numpy's einsum, compiled by Loom.

A call is normalized to one explicit loom.contract (implicit outputs made
explicit, ellipses expanded, size-1 broadcast dimensions given labels of
their own), compiled once per spec, shapes, dtypes and options, and cached;
later calls with the same key only run the compiled function.
"""

import collections
import json
import math
import threading

import numpy as np

from . import _loom
from ._module import _as_array as _module_as_array
from ._module import _runtime

_LETTERS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")

# numpy dtype -> the loom dialect's element type.
_ELEMENT_TYPES = {
    np.dtype(np.float32): "f32",
    np.dtype(np.float64): "f64",
    np.dtype(np.float16): "f16",
    np.dtype(np.int32): "i32",
    np.dtype(np.int64): "i64",
}

_OPTIMIZERS = ("auto", "optimal", "greedy", "random-greedy", "partition")


class _Network:
    """An einsum call normalized: explicit terms of label names (numpy's
    letters, plus "e<k>" for ellipsis dimensions and "b<k>" for broadcast
    size-1 dimensions), the output term and every label's size."""

    __slots__ = ("inputs", "output", "sizes")

    def __init__(self, inputs, output, sizes):
        self.inputs, self.output, self.sizes = inputs, output, sizes

    @staticmethod
    def _label(name):
        return name if len(name) == 1 else "{" + name + "}"

    def spec(self):
        """The loom.contract spec (multi-character labels in braces)."""
        term = lambda t: "".join(self._label(x) for x in t)  # noqa: E731
        return ",".join(term(t) for t in self.inputs) + "->" + term(self.output)

    def output_shape(self):
        return tuple(self.sizes[x] for x in self.output)


def _split_term(term, where):
    """(labels before '...', has ellipsis, labels after)."""
    if term.count("...") > 1 or term.replace("...", "").count(".") > 0:
        raise ValueError(f"einsum: invalid ellipsis in {where} '{term}'")
    before, has, after = term.partition("...")
    for ch in before + after:
        if ch not in _LETTERS:
            raise ValueError(
                f"einsum: invalid subscript '{ch}' in {where} '{term}': "
                f"subscripts are letters a-z and A-Z")
    return list(before), bool(has), list(after)


def _parse_string(spec, count):
    """Terms and output of a subscripts string: ((before, has, after) per
    operand, that triple or None for the output, the terms' texts)."""
    if not isinstance(spec, str):
        raise TypeError(f"einsum: the subscripts must be a string, not "
                        f"{type(spec).__name__}")
    spec = spec.replace(" ", "")
    lhs, arrow, rhs = spec.partition("->")
    if "->" in rhs or "-" in lhs or ">" in lhs:
        raise ValueError(f"einsum: invalid subscripts '{spec}'")
    texts = lhs.split(",")
    if len(texts) != count:
        raise ValueError(
            f"einsum: '{spec}' has {len(texts)} operand term"
            f"{'' if len(texts) == 1 else 's'} but {count} operand"
            f"{'' if count == 1 else 's'} were given")
    terms = [_split_term(t, f"operand {i}'s term") for i, t in enumerate(texts)]
    output = _split_term(rhs, "the output term") if arrow else None
    return terms, output, texts + ([rhs] if arrow else [])


def _parse_sublists(sublists, output_list):
    """numpy's interleaved form: each operand's list of labels (any hashable
    values: ints, strings, ...; Ellipsis for '...'), and the output's list or
    None. Labels become names "l0", "l1", ... in order of first use."""
    names = {}

    def term(sublist, where):
        if isinstance(sublist, (str, bytes)) or not hasattr(sublist, "__iter__"):
            raise TypeError(f"einsum: {where} must be a list of labels, not "
                            f"{type(sublist).__name__}")
        before, after, has = [], [], False
        for label in sublist:
            if label is Ellipsis:
                if has:
                    raise ValueError(f"einsum: {where} has two ellipses")
                has = True
                continue
            try:
                name = names.setdefault(label, f"l{len(names)}")
            except TypeError:
                raise TypeError(f"einsum: label {label!r} in {where} is not "
                                f"hashable") from None
            (after if has else before).append(name)
        return before, has, after

    terms = [term(s, f"operand {i}'s sublist") for i, s in enumerate(sublists)]
    output = None if output_list is None else term(output_list,
                                                   "the output sublist")
    # The implicit output orders labels as numpy does (ints ascending).
    order = list(names)
    try:
        order.sort()
    except TypeError:
        order.sort(key=repr)
    rank = {names[label]: i for i, label in enumerate(order)}
    return terms, output, rank


def _normalize(spec, shapes, terms=None, output=None, rank=None):
    """The explicit network of an einsum call: `spec` a subscripts string,
    or (terms, output, rank) from _parse_sublists."""
    if terms is None:
        terms, output, texts = _parse_string(spec, len(shapes))
    else:
        texts = None
    if len(terms) != len(shapes):
        raise ValueError(f"einsum: {len(terms)} sublists for {len(shapes)} "
                         f"operands")

    parsed = []
    ellipsis_rank = 0
    for i, ((before, has, after), shape) in enumerate(zip(terms, shapes)):
        explicit = len(before) + len(after)
        if (len(shape) != explicit) if not has else (len(shape) < explicit):
            term = f" '{texts[i]}'" if texts else ""
            raise ValueError(
                f"einsum: operand {i} has {len(shape)} dimension"
                f"{'' if len(shape) == 1 else 's'} but its term{term} "
                f"{'has' if not has else 'needs at least'} {explicit}")
        e = len(shape) - explicit if has else 0
        ellipsis_rank = max(ellipsis_rank, e)
        parsed.append((before, e, after))

    # Ellipsis dimensions, right-aligned as in numpy broadcasting.
    ell = [f"e{k}" for k in range(ellipsis_rank)]
    full = []
    for before, e, after in parsed:
        full.append(before + ell[ellipsis_rank - e:] + after)

    # Sizes, with numpy's broadcasting of size-1 dimensions.
    def label_text(label):
        if len(label) == 1:
            return f"subscript '{label}'"
        return ("an ellipsis dimension" if label[0] == "e" else "a label")

    sizes = {}
    for i, (labels, shape) in enumerate(zip(full, shapes)):
        for label, size in zip(labels, shape):
            if size != 1:
                if sizes.get(label, 1) not in (1, size):
                    raise ValueError(
                        f"einsum: {label_text(label)} has size {sizes[label]} "
                        f"in one operand but {size} in operand {i} "
                        f"(shapes {', '.join(str(tuple(s)) for s in shapes)})")
                sizes[label] = size
            else:
                sizes.setdefault(label, 1)
    # A size-1 dimension where the label is larger elsewhere is broadcast:
    # the operand does not vary along it, so it gets a label of its own
    # (summed over its single value).
    fresh = 0
    for labels, shape in zip(full, shapes):
        for d, (label, size) in enumerate(zip(labels, shape)):
            if size == 1 and sizes[label] != 1:
                labels[d] = f"b{fresh}"
                sizes[labels[d]] = 1
                fresh += 1

    used = [x for before, _, after in terms for x in before + after]
    if output is not None:
        before, has, after = output
        out_text = f" '{texts[-1]}'" if texts else ""
        if ell and not has:
            raise ValueError(
                f"einsum: operands have {ellipsis_rank} dimension"
                f"{'' if ellipsis_rank == 1 else 's'} under '...' but the "
                f"output{out_text} has no '...' to place them")
        output = before + (ell if has else []) + after
        seen = set()
        for label in before + after:
            shown = label if texts else "a label"
            if label in seen:
                raise ValueError(f"einsum: output subscript '{shown}' "
                                 f"appears more than once{out_text}")
            seen.add(label)
            if label not in used:
                raise ValueError(f"einsum: output subscript '{shown}' does "
                                 f"not appear in any operand's term")
    else:
        # numpy's implicit output: ellipsis dimensions, then the labels that
        # occur exactly once, in sorted order.
        counts = collections.Counter(used)
        once = [x for x, n in counts.items() if n == 1]
        once.sort(key=(lambda x: rank[x]) if rank else None)
        output = ell + once
    return _Network(full, output, sizes)


def _split_interleaved(args):
    """(operands, sublists, output sublist or None) of
    einsum(op0, sublist0, op1, sublist1, ..., [sublist_out])."""
    args = list(args)
    output = args.pop() if len(args) % 2 == 1 else None
    return args[0::2], args[1::2], output


def _tensor_type(shape, element):
    return "tensor<" + "".join(f"{d}x" for d in shape) + element + ">"


def _mlir(network, shapes, element):
    args = ", ".join(f"%a{i}: {_tensor_type(s, element)}"
                     for i, s in enumerate(shapes))
    operand_types = ", ".join(_tensor_type(s, element) for s in shapes)
    result = _tensor_type(network.output_shape(), element)
    operands = ", ".join(f"%a{i}" for i in range(len(shapes)))
    return (f"func.func @main({args}) -> {result} {{\n"
            f"  %r = loom.contract \"{network.spec()}\" {operands} : "
            f"({operand_types}) -> {result}\n"
            f"  return %r : {result}\n}}\n")


def _check_optimize(optimize):
    if optimize is True:
        return "auto"
    if optimize not in _OPTIMIZERS:
        raise ValueError(f"einsum: unknown optimize={optimize!r} (expected "
                         f"{', '.join(map(repr, _OPTIMIZERS))} or True)")
    return optimize


def _check_memory_limit(memory_limit):
    if memory_limit is None:
        return 0.0
    if (isinstance(memory_limit, bool) or
            not isinstance(memory_limit, (int, float)) or
            not memory_limit >= 1):
        raise ValueError(f"einsum: memory_limit must be a number of "
                         f"elements >= 1, not {memory_limit!r}")
    return float(memory_limit)


class _Compiled:
    """One cached einsum: the compiled function, the dtype operands are cast
    to, and the output shape (for calls with an empty dimension, which need
    no kernel: the result is zeros)."""

    __slots__ = ("function", "dtype", "output_shape")

    def __init__(self, function, dtype, output_shape):
        self.function, self.dtype, self.output_shape = (
            function, dtype, output_shape)


_CACHE_SIZE = 512
_cache = collections.OrderedDict()
_cache_lock = threading.Lock()
_threads = [0]


def set_num_threads(threads):
    """CPU threads loom.einsum uses per call, the calling thread included
    (0, the default: one per CPU this process may use)."""
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 0:
        raise ValueError(f"threads must be an integer >= 0, not {threads!r}")
    with _cache_lock:
        _threads[0] = threads
        _cache.clear()


def get_num_threads():
    return _runtime("cpu", _threads[0], 0).threads


def _as_operand(x, i):
    if type(x) is np.ndarray:
        return x
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return np.asarray(x)
    return _module_as_array(x, None, i, "einsum")


def _is_interleaved(subscripts, operands):
    return (not isinstance(subscripts, str) and len(operands) >= 1 and
            isinstance(operands[0], (list, tuple)))


def _network_of(spec, sublists, shapes):
    if sublists is None:
        return _normalize(spec, shapes)
    terms, output, rank = _parse_sublists(*sublists)
    return _normalize(None, shapes, terms, output, rank)


def _build(spec, sublists, arrays, optimize, memory_limit):
    dtype = np.result_type(*arrays)
    if dtype not in _ELEMENT_TYPES:
        raise TypeError(
            f"einsum: operands of dtype {dtype} are not supported (Loom "
            f"contracts {', '.join(str(d) for d in _ELEMENT_TYPES)})")
    shapes = [a.shape for a in arrays]
    network = _network_of(spec, sublists, shapes)
    out_shape = network.output_shape()
    if any(d == 0 for s in shapes for d in s):
        return _Compiled(None, dtype, out_shape)
    from ._module import compile as _compile
    module = _compile(_mlir(network, shapes, _ELEMENT_TYPES[dtype]),
                      threads=_threads[0],
                      contraction_optimizer=optimize,
                      contraction_memory_limit=memory_limit)
    return _Compiled(module.functions["main"], dtype, out_shape)


def einsum(subscripts, *operands, optimize="auto", memory_limit=None):
    """numpy.einsum, compiled by Loom.

    subscripts: numpy's einsum subscripts ("ij,jk->ik", implicit outputs,
        "..." and size-1 broadcasting, repeated subscripts for diagonals and
        traces). Or numpy's interleaved form, einsum(op0, sublist0, op1,
        sublist1, ..., [sublist_out]), whose labels may be any hashable
        values (ints, strings, tuples): networks with more indices than the
        52 letters.
    operands: numpy arrays (or torch tensors, DLPack or buffer-protocol
        objects, Python scalars) of dtypes float32, float64, float16, int32
        or int64; mixed dtypes are promoted as numpy promotes them.
    optimize: Loom's contraction path finder: "auto" (default), "optimal",
        "greedy", "random-greedy" or "partition".
    memory_limit: the largest intermediate allowed, in elements (None: no
        limit); larger ones are sliced.

    The first call with a given subscripts, shapes, dtypes and options
    compiles (path search and code generation, well under a second for
    small networks); later calls run the cached kernels. Returns a numpy
    array (0-d for a full contraction)."""
    if _is_interleaved(subscripts, operands):
        ops, subs, out = _split_interleaved((subscripts,) + operands)
        sublists = (subs, out)
        try:
            spec = (tuple(tuple(x) for x in subs),
                    None if out is None else tuple(out))
        except TypeError:  # not lists: _build says which
            spec = None
    else:
        ops, sublists, spec = operands, None, subscripts
    arrays = [_as_operand(x, i) for i, x in enumerate(ops)]
    key = compiled = None
    if spec is not None:
        key = (spec, optimize, memory_limit,
               *[(a.shape, a.dtype.char) for a in arrays])
        try:
            compiled = _cache.get(key)
        except TypeError:  # an unhashable label: _build names it
            key = None
    if compiled is None:
        compiled = _build(subscripts, sublists, arrays,
                          _check_optimize(optimize),
                          _check_memory_limit(memory_limit))
        if key is not None:
            with _cache_lock:
                _cache[key] = compiled
                if len(_cache) > _CACHE_SIZE:
                    _cache.popitem(last=False)
    dtype = compiled.dtype
    if compiled.function is None:
        return np.zeros(compiled.output_shape, dtype)
    return compiled.function._fn.call(
        tuple(a if a.dtype == dtype else a.astype(dtype) for a in arrays),
        None)


class EinsumPathInfo:
    """What loom.einsum_path found: the path, its cost, and the network.

    path: numpy.einsum_path's list of position pairs (after each step both
        operands leave the list and the result is appended at its end).
    opt_cost: FLOPs of the path (numpy/opt_einsum's convention).
    naive_cost: FLOPs of one loop nest over every index.
    speedup: naive_cost / opt_cost.
    largest_intermediate: elements of the largest intermediate.
    total_write: elements written by all steps.
    sliced, num_slices: indices sliced to meet memory_limit, and how many
        slices that makes.
    eq: the normalized explicit subscripts; size_dict: every index's size."""

    def __init__(self, network, result, optimize, seconds):
        self.eq = network.spec()
        self.size_dict = dict(network.sizes)
        self.path = [tuple(p) for p in result["path"]]
        self.opt_cost = result["flops"]
        self.largest_intermediate = result["largest_intermediate"]
        self.total_write = result["total_write"]
        self.sliced = list(result["sliced"])
        self.num_slices = result["num_slices"]
        self.optimizer = optimize
        self.method = result["method"]
        self.seconds = seconds
        labels = set(x for t in network.inputs for x in t)
        volume = math.prod(network.sizes[x] for x in labels)
        inner = any(x not in network.output for x in labels)
        self.naive_cost = volume * (max(1, len(network.inputs) - 1) +
                                    (1 if inner else 0))
        self.speedup = (self.naive_cost / self.opt_cost
                        if self.opt_cost > 0 else 1.0)

    def __repr__(self):
        lines = [
            f"  Complete contraction:  {self.eq}",
            f"         Naive scaling:  {len(self.size_dict)}",
            f"     Optimizer:  {self.optimizer} (result from {self.method})",
            f"     Naive FLOP count:  {self.naive_cost:.3e}",
            f" Optimized FLOP count:  {self.opt_cost:.3e}",
            f"  Theoretical speedup:  {self.speedup:.3e}",
            f" Largest intermediate:  {self.largest_intermediate:.3e} "
            f"elements",
            f"        Total written:  {self.total_write:.3e} elements",
            f"              Sliced:  "
            + (", ".join(self.sliced) + f" ({self.num_slices:g} slices)"
               if self.sliced else "none"),
            f"                 Path:  {self.path}",
        ]
        return "\n".join(lines)

    __str__ = __repr__


def einsum_path(subscripts, *operands, optimize="auto", minimize="flops",
                memory_limit=None, time_budget=0.3, shapes=False):
    """The contraction path Loom's path finder chooses, like
    opt_einsum.contract_path.

    operands: arrays (or, with shapes=True, their shapes).
    optimize: "auto", "optimal", "greedy", "random-greedy" or "partition".
    minimize: "flops", "size", "write" or "combo".
    memory_limit: the largest intermediate allowed, in elements (None: no
        limit); the tree is sliced to fit.
    time_budget: seconds the randomized finders may search.

    Accepts the interleaved form as loom.einsum does.
    Returns (path, EinsumPathInfo); `path` is a list of position pairs."""
    optimize = _check_optimize(optimize)
    sublists = None
    if _is_interleaved(subscripts, operands):
        operands, subs, out = _split_interleaved((subscripts,) + operands)
        sublists = (subs, out)
    if shapes:
        dims = [tuple(int(d) for d in s) for s in operands]
    else:
        dims = [tuple(_as_operand(x, i).shape) for i, x in enumerate(operands)]
    network = _network_of(subscripts, sublists, dims)
    if any(d == 0 for s in dims for d in s):
        raise ValueError("einsum_path: an operand has an empty dimension")
    text = json.dumps({"inputs": network.inputs, "output": network.output,
                       "sizes": network.sizes})
    result = _loom.network_path(text, optimize, minimize,
                                _check_memory_limit(memory_limit),
                                float(time_budget))
    info = EinsumPathInfo(network, result, optimize, result["seconds"])
    return info.path, info
