"""loom.einsum against numpy.einsum: the tensor-network examples and random
specs (outer products, traces, repeated and hyper indices, ellipses and
size-1 broadcasting, implicit outputs, scalars, every dtype); loom.einsum_path
paths replayed with numpy."""
import itertools
import math
import string

import numpy as np
import pytest

import loom


def close(got, want, dtype=np.float32):
    want = np.asarray(want)
    assert got.shape == want.shape, (got.shape, want.shape)
    if np.issubdtype(dtype, np.integer):
        np.testing.assert_array_equal(got, want)
        return
    tol = {np.float16: 2e-2, np.float32: 1e-4, np.float64: 1e-10}[dtype]
    scale = max(1.0, float(np.abs(want).max(initial=0)))
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol * scale)


def rand(rng, shape, dtype=np.float32):
    if np.issubdtype(dtype, np.integer):
        return rng.integers(-3, 4, shape).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


TENSOR_NETWORKS = [
    # name, spec, shapes
    ("tensor-train layer", "bijkl,ioa,ajpc,ckqd,dls->bopqs",
     [(8, 4, 4, 4, 4), (4, 4, 6), (6, 4, 4, 6), (6, 4, 4, 6), (6, 4, 4)]),
    ("tensor ring", "zijk,aib,bjc,cka->z",
     [(2, 3, 4, 5), (6, 3, 7), (7, 4, 8), (8, 5, 6)]),
    ("tucker", "zabc,ia,jb,kc->zijk",
     [(2, 3, 4, 5), (6, 3), (7, 4), (8, 5)]),
    ("mps chain", "za,zp,apb,zq,bqc,zr,cr->z",
     [(5, 4), (5, 2), (4, 2, 6), (5, 2), (6, 2, 3), (5, 2), (3, 2)]),
    ("cp layer", "bi,ir,jr,kr->bjk",
     [(4, 9), (9, 5), (6, 5), (7, 5)]),
]


@pytest.mark.parametrize("name,spec,shapes", TENSOR_NETWORKS,
                         ids=[t[0] for t in TENSOR_NETWORKS])
def test_tensor_networks(name, spec, shapes):
    rng = np.random.default_rng(1)
    ops = [rand(rng, s) for s in shapes]
    close(loom.einsum(spec, *ops), np.einsum(spec, *ops))
    close(loom.einsum(spec, *ops, optimize="greedy"), np.einsum(spec, *ops))


CASES = [
    ("ij,jk->ik", [(3, 4), (4, 5)]),
    ("ij,jk", [(3, 4), (4, 5)]),                 # implicit output
    ("i,j->ij", [(3,), (4,)]),                   # outer product
    ("ij,k->ijk", [(2, 3), (4,)]),
    ("ii->", [(4, 4)]),                          # trace
    ("ii", [(4, 4)]),
    ("ii->i", [(5, 5)]),                         # diagonal
    ("iij->j", [(3, 3, 2)]),
    ("ij->ji", [(3, 4)]),                        # transpose
    ("ij->", [(3, 4)]),                          # full sum
    ("ijk->kj", [(2, 3, 4)]),
    ("ij,ij->ij", [(3, 4), (3, 4)]),             # Hadamard
    ("ij,ij->", [(3, 4), (3, 4)]),
    ("i,i,i->i", [(5,), (5,), (5,)]),            # hyper index
    ("ab,ab,ab->", [(2, 3), (2, 3), (2, 3)]),
    ("ijk,ikl,ilm->ijm", [(2, 3, 4), (2, 4, 5), (2, 5, 6)]),
    ("...ij,...jk->...ik", [(2, 3, 4, 5), (2, 3, 5, 6)]),   # batched matmul
    ("...ij,...jk->...ik", [(2, 1, 4, 5), (3, 5, 6)]),      # broadcast
    ("...ij,jk", [(2, 3, 4), (4, 5)]),                       # implicit + ...
    ("ij...,jk...->ik...", [(3, 4, 2), (4, 5, 1)]),
    ("ij,ij->ij", [(1, 4), (3, 4)]),             # size-1 broadcasting
    ("i,i", [(1,), (6,)]),
    ("...", [(2, 3)]),
    ("...->...", [(2, 3)]),
    (",i->i", [(), (4,)]),                       # a scalar operand
    (",->", [(), ()]),
    ("i->", [(7,)]),
    ("ba,ab->", [(3, 4), (4, 3)]),
    ("a b , b c -> a c", [(2, 3), (3, 2)]),     # spaces are ignored
    ("Ab,bC->AC", [(2, 3), (3, 4)]),             # upper-case subscripts
    ("ij,jk->ik", [(3, 0), (0, 5)]),             # empty sum: zeros
    ("i,j->ij", [(0,), (3,)]),                   # empty result
]


@pytest.mark.parametrize("spec,shapes", CASES,
                         ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_einsum_cases(spec, shapes):
    rng = np.random.default_rng(2)
    ops = [rand(rng, s) for s in shapes]
    close(loom.einsum(spec, *ops), np.einsum(spec, *ops))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64,
                                   np.int32, np.int64])
def test_dtypes(dtype):
    rng = np.random.default_rng(3)
    for spec, shapes in [("ij,jk->ik", [(5, 6), (6, 7)]),
                         ("abc,cd,bd->ad", [(3, 4, 5), (5, 6), (4, 6)]),
                         ("ii->i", [(4, 4)])]:
        ops = [rand(rng, s, dtype) for s in shapes]
        got = loom.einsum(spec, *ops)
        assert got.dtype == dtype
        want = np.einsum(spec, *[o.astype(np.float64) for o in ops])
        close(got, want.astype(dtype) if np.issubdtype(dtype, np.integer)
              else want, dtype)


def test_mixed_dtypes_promote_like_numpy():
    a = np.arange(6, dtype=np.int32).reshape(2, 3)
    b = np.ones((3, 2), np.float64)
    got = loom.einsum("ij,jk->ik", a, b)
    assert got.dtype == np.float64
    close(got, np.einsum("ij,jk->ik", a, b), np.float64)
    got = loom.einsum("i,->i", np.ones(3, np.float32), 2.0)
    close(got, np.full(3, 2.0, np.float32))


def test_torch_and_strided_operands():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    a = rand(rng, (6, 8))
    b = rand(rng, (4, 5))
    got = loom.einsum("ij,jk->ik", torch.from_numpy(a)[:, ::2], b)
    close(got, a[:, ::2] @ b)


def random_spec(rng, n_ops):
    """A random einsum over n_ops operands: shared (possibly hyper) indices,
    repeated indices within a term, outer products, indices summed away."""
    letters = list(string.ascii_letters[:12])
    size = {l: int(rng.integers(1, 5)) for l in letters}
    terms = []
    for _ in range(n_ops):
        rank = int(rng.integers(0, 4))
        terms.append([str(rng.choice(letters)) for _ in range(rank)])
    used = sorted(set(itertools.chain(*terms)))
    out = [l for l in used if rng.random() < 0.4]
    rng.shuffle(out)
    spec = ",".join("".join(t) for t in terms) + "->" + "".join(out)
    shapes = [tuple(size[l] for l in t) for t in terms]
    return spec, shapes


@pytest.mark.parametrize("seed", range(40))
def test_random_specs(seed):
    rng = np.random.default_rng(100 + seed)
    spec, shapes = random_spec(rng, int(rng.integers(1, 6)))
    ops = [rand(rng, s, np.float64) for s in shapes]
    close(loom.einsum(spec, *ops), np.einsum(spec, *ops), np.float64)


def test_cache_reuses_compiled_function():
    from loom import _einsum
    rng = np.random.default_rng(5)
    b = rand(rng, (3, 9))
    loom.einsum("ij,jk->ik", rand(rng, (7, 3)), b)
    entries = len(_einsum._cache)
    for _ in range(3):
        a = rand(rng, (7, 3))
        close(loom.einsum("ij,jk->ik", a, b), a @ b)
    assert len(_einsum._cache) == entries
    loom.einsum("ij,jk->ik", rand(rng, (8, 3)), b)  # a new shape compiles
    assert len(_einsum._cache) == entries + 1


def replay(spec, ops, path):
    """Contracts `ops` pairwise along `path` with numpy."""
    lhs, out = spec.split("->")
    terms = lhs.split(",")
    ops = list(ops)
    for i, j in path:
        ti, tj = terms[i], terms[j]
        rest = [t for k, t in enumerate(terms) if k not in (i, j)]
        keep = set(out).union(*map(set, rest))
        new = "".join(dict.fromkeys(l for l in ti + tj if l in keep))
        r = np.einsum(f"{ti},{tj}->{new}", ops[i], ops[j])
        for k in sorted((i, j), reverse=True):
            del terms[k], ops[k]
        terms.append(new)
        ops.append(r)
    assert len(ops) == 1
    return np.einsum(f"{terms[0]}->{out}", ops[0])


@pytest.mark.parametrize("name,spec,shapes", TENSOR_NETWORKS,
                         ids=[t[0] for t in TENSOR_NETWORKS])
def test_einsum_path_replays(name, spec, shapes):
    rng = np.random.default_rng(6)
    ops = [rand(rng, s, np.float64) for s in shapes]
    path, info = loom.einsum_path(spec, *ops, optimize="optimal")
    assert path == info.path and len(path) == len(ops) - 1
    np.testing.assert_allclose(replay(info.eq, ops, path),
                               np.einsum(spec, *ops), rtol=1e-10, atol=1e-10)
    assert 0 < info.opt_cost <= info.naive_cost
    assert info.largest_intermediate >= 1
    # numpy's own optimal path is never cheaper than Loom's.
    np_path = np.einsum_path(spec, *ops, optimize="optimal")[1]
    np_cost = float(np_path.split("Optimized FLOP count:")[1].split()[0])
    assert info.opt_cost <= np_cost * (1 + 1e-9)
    assert "Path:" in str(info)


def test_einsum_path_chain_and_shapes_only():
    path, info = loom.einsum_path("ab,bc,cd->ad", (2, 100), (100, 3),
                                  (3, 100), shapes=True, optimize="optimal")
    assert path == [(0, 1), (0, 1)]  # (ab,bc) first: the small intermediate
    assert info.largest_intermediate == 200
    assert info.size_dict == {"a": 2, "b": 100, "c": 3, "d": 100}


def test_einsum_path_memory_limit_slices():
    shapes = [(8, 8), (8, 8, 8), (8, 8)]
    _, info = loom.einsum_path("ab,bcd,de->ace", *shapes, shapes=True,
                               memory_limit=64)
    assert info.sliced and info.num_slices > 1
    assert info.largest_intermediate <= 64


def test_interleaved_form_matches_numpy():
    rng = np.random.default_rng(7)
    a, b, c = rand(rng, (3, 4)), rand(rng, (4, 5)), rand(rng, (5, 3))
    for args in [(a, [0, 1], b, [1, 2], [0, 2]),
                 (a, [0, 1], b, [1, 2]),                 # implicit output
                 (a, [0, 1], b, [1, 2], c, [2, 0], []),  # a full trace
                 (a, [Ellipsis, 1], b, [1, 2], [Ellipsis, 2])]:
        close(loom.einsum(*args), np.einsum(*args))


def test_interleaved_labels_beyond_52_letters():
    """An MPS-like chain of 80 matrices with string and tuple labels: more
    indices than numpy's or torch's letters."""
    rng = np.random.default_rng(8)
    n = 80
    mats = [rand(rng, (3, 3), np.float64) / 2 for _ in range(n)]
    args = []
    for k, m in enumerate(mats):
        args += [m, [("bond", k), ("bond", k + 1)]]
    args.append([("bond", 0), ("bond", n)])
    want = mats[0]
    for m in mats[1:]:
        want = want @ m
    close(loom.einsum(*args), want, np.float64)
    path, info = loom.einsum_path(*args)
    assert len(path) == n - 1 and info.opt_cost > 0


def test_interleaved_errors():
    a = np.ones((2, 3), np.float32)
    with pytest.raises(TypeError, match="not hashable"):
        loom.einsum(a, [[0], 1])
    with pytest.raises(ValueError, match="operand 0 has 2 dimensions"):
        loom.einsum(a, [0, 1, 2])
    with pytest.raises(TypeError, match="must be a list of labels"):
        loom.einsum(a, [0, 1], a, 5)
