//===- Schedule.cpp - host schedule and memory plan -----------------------===//
#include "loom/module/Schedule.h"

#include "loom/dialect/ConstantData.h"
#include "loom/dialect/DynamicShapes.h"
#include "loom/dialect/Broadcast.h"
#include "loom/dialect/LoomDialect.h"
#include "loom/dialect/LoomOps.h"
#include "loom/module/MemoryPlanner.h"
#include "loom/dialect/KernelContract.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FormatVariadic.h"

#include <functional>
#include <map>

using namespace mlir;

namespace loom {

std::optional<DType> dtypeOf(Type t) {
  if (t.isF32())
    return DType::F32;
  if (t.isF16())
    return DType::F16;
  if (t.isBF16())
    return DType::BF16;
  if (t.isF64())
    return DType::F64;
  if (t.isInteger(1))
    return DType::I1;
  if (t.isInteger(8))
    return DType::I8;
  if (t.isInteger(32))
    return DType::I32;
  if (t.isInteger(64))
    return DType::I64;
  return std::nullopt;
}

const char *dtypeName(DType d) {
  switch (d) {
  case DType::F32: return "f32";
  case DType::F16: return "f16";
  case DType::BF16: return "bf16";
  case DType::I32: return "i32";
  case DType::I64: return "i64";
  case DType::I1: return "i1";
  case DType::I8: return "i8";
  case DType::F64: return "f64";
  }
  return "?";
}

namespace {

uint64_t byteSize(RankedTensorType t) {
  return static_cast<uint64_t>(t.getNumElements()) *
         storageBytesPerElement(t.getElementType());
}

std::string describe(Location loc) {
  std::string s;
  llvm::raw_string_ostream os(s);
  if (auto fileLoc = dyn_cast<FileLineColLoc>(loc))
    os << fileLoc.getFilename().getValue().rsplit('/').second << ":"
       << fileLoc.getLine() << ":" << fileLoc.getColumn();
  else if (auto nameLoc = dyn_cast<NameLoc>(loc))
    os << nameLoc.getName().getValue();
  else if (auto fused = dyn_cast<FusedLoc>(loc); fused && !fused.getLocations().empty())
    return describe(fused.getLocations().front());
  return s;
}

/// Where a host value's bytes live while the schedule is being built.
struct Storage {
  StorageSpace space;
  uint32_t index = 0;
  uint64_t size = 0;
  ExprId sizeExpr = kStatic;  // dynamic functions: the size in bytes
  unsigned first = 0, last = 0;  // dispatch positions (arena storages)
  std::string name;
  uint64_t offset = 0;  // arena offset, once planned
};

class ScheduleBuilder {
public:
  ScheduleBuilder(ModuleOp top, ModuleSchedule &schedule)
      : top(top), schedule(schedule) {}

  LogicalResult buildKernels() {
    if (ModuleOp kernels = getKernelModule(top)) {
      for (func::FuncOp k : getKernels(kernels)) {
        kernelIndex[k.getName()] = schedule.kernels.size();
        uint32_t bindings = llvm::count_if(
            k.getArgumentTypes(), [](Type t) { return isa<MemRefType>(t); });
        KernelInfo info;
        info.name = k.getName().str();
        info.bindingCount = bindings;
        info.pushConstantCount = k.getNumArguments() - 3 - bindings;
        schedule.kernels.push_back(std::move(info));
        if (AffineMap map = getWorkgroupCountMap(k))
          gridMaps[k.getName()] = map;
        if (hasWorkgroupSize(k))
          for (int64_t size : getWorkgroupSize(k))
            schedule.kernels.back().workgroupSize.push_back(size);
        grids[k.getName()] = getWorkgroupCount(k);
      }
    }
    return success();
  }

  /// Builds the body and accumulation functions of every slice loop in
  /// `fn` not built yet (into ModuleSchedule::bodies).
  LogicalResult buildBodies(func::FuncOp fn) {
    SymbolTableCollection symbols;
    for (SliceLoopOp loop : fn.getOps<SliceLoopOp>()) {
      for (FlatSymbolRefAttr name :
           {loop.getBodyAttr(), loop.getAccumulateAttr(),
            loop.getReduceAttr()}) {
        if (bodyIndex.count(name.getValue()))
          continue;
        auto body = symbols.lookupNearestSymbolFrom<func::FuncOp>(loop, name);
        if (!body || body.isDeclaration())
          return loop.emitError() << "slice loop function " << name
                                  << " is missing";
        for (Operation &op : body.getBody().front())
          if (isa<SliceLoopOp>(op))
            return op.emitError() << "a slice loop cannot run inside the "
                                     "body of another";
        size_t index = schedule.bodies.size();
        if (failed(buildFunction(body, schedule.bodies)))
          return failure();
        bodyIndex[name.getValue()] = index;
      }
    }
    return success();
  }

  LogicalResult buildFunction(func::FuncOp fn,
                              std::vector<FunctionSchedule> &into) {
    FunctionSchedule fs;
    fs.name = fn.getName().str();
    storages.clear();
    valueStorage.clear();

    auto signatureOf = [&](Type t, Location loc, StringRef what,
                           unsigned i) -> FailureOr<TensorSignature> {
      auto tensor = dyn_cast<RankedTensorType>(t);
      std::optional<DType> d =
          tensor ? dtypeOf(tensor.getElementType()) : std::nullopt;
      if (!tensor || !d)
        return emitError(loc) << what << " #" << i << " of @" << fn.getName()
                              << " has type " << t
                              << ", but entry functions take and return "
                                 "ranked tensors of f32, f16, bf16, "
                                 "f64, i1, i8, i32 or i64";
      TensorSignature sig;
      sig.dtype = *d;
      for (int64_t dim : tensor.getShape())
        sig.shape.push_back(ShapedType::isDynamic(dim) ? -1 : dim);
      return sig;
    };
    // Sizes read on the host from values other than the arguments (a
    // reshape's inferred output shape reads its source) are followed to
    // the producers' sizes, so that every size is computed from the
    // arguments' dimensions.
    SmallVector<tensor::DimOp> reads;
    for (auto read : fn.getBody().front().getOps<tensor::DimOp>())
      if (!isa<BlockArgument>(read.getSource()))
        reads.push_back(read);
    for (tensor::DimOp read : reads) {
      std::optional<int64_t> d = read.getConstantIndex();
      OpBuilder b(read);
      FailureOr<Value> size =
          d ? hostDim(b, read.getSource(), *d) : FailureOr<Value>(failure());
      if (failed(size))
        return read.emitError()
               << "cannot follow this size to the function's inputs";
      read.replaceAllUsesWith(*size);
      read.erase();
    }
    // A function with dynamic dimensions: its symbols are its arguments'
    // dynamic dimensions (one per name), every size an expression of them.
    dynamic = false;
    symbolValues.clear();
    exprIds.clear();
    current = &fs;
    for (auto [i, arg] : llvm::enumerate(fn.getArguments())) {
      auto tensor = dyn_cast<RankedTensorType>(arg.getType());
      if (!tensor || tensor.hasStaticShape())
        continue;
      dynamic = true;
      OpBuilder b = OpBuilder::atBlockBegin(&fn.getBody().front());
      for (int64_t d = 0; d < tensor.getRank(); ++d) {
        if (!tensor.isDynamicDim(d))
          continue;
        FailureOr<Value> v = hostDim(b, arg, d);
        if (failed(v))
          return emitError(arg.getLoc()) << "cannot read dimension " << d
                                         << " of argument #" << i;
        if (llvm::is_contained(symbolValues, *v))
          continue;
        symbolValues.push_back(*v);
        std::string name = dimName(fn, i, d);
        fs.symbols.push_back(
            name.empty() ? "?" + std::to_string(fs.symbols.size()) : name);
      }
    }
    if (dynamic && fn.getBody().front().getOps<SliceLoopOp>().begin() !=
                       fn.getBody().front().getOps<SliceLoopOp>().end())
      return fn.emitError() << "sliced contractions do not take dynamic "
                               "dimensions yet";
    auto dimExprs = [&](Value v, OpBuilder &b, TensorSignature &sig,
                        Location loc) -> LogicalResult {
      if (!dynamic)
        return success();
      auto tensor = cast<RankedTensorType>(v.getType());
      for (int64_t d = 0; d < tensor.getRank(); ++d) {
        if (!tensor.isDynamicDim(d)) {
          sig.dimExprs.push_back(kStatic);
          continue;
        }
        FailureOr<Value> size = hostDim(b, v, d);
        FailureOr<ExprId> id =
            succeeded(size) ? exprOf(*size) : FailureOr<ExprId>(failure());
        if (failed(id))
          return emitError(loc) << "cannot express dimension " << d
                                << " of a value of @" << fn.getName()
                                << " in the sizes of its inputs";
        sig.dimExprs.push_back(*id);
      }
      return success();
    };
    for (auto [i, arg] : llvm::enumerate(fn.getArguments())) {
      FailureOr<TensorSignature> sig =
          signatureOf(arg.getType(), arg.getLoc(), "argument", i);
      if (failed(sig))
        return failure();
      if (auto name = fn.getArgAttrOfType<StringAttr>(i, kNameAttrName))
        sig->name = name.str();
      OpBuilder b = OpBuilder::atBlockBegin(&fn.getBody().front());
      if (failed(dimExprs(arg, b, *sig, arg.getLoc())))
        return failure();
      fs.inputs.push_back(*sig);
      FailureOr<Storage> storage =
          storageOf(arg, StorageSpace::Input, (uint32_t)i);
      if (failed(storage))
        return failure();
      valueStorage[arg] = addStorage(*storage);
    }
    for (auto [i, t] : llvm::enumerate(fn.getResultTypes())) {
      FailureOr<TensorSignature> sig = signatureOf(t, fn.getLoc(), "result", i);
      if (failed(sig))
        return failure();
      if (auto name = fn.getResultAttrOfType<StringAttr>(i, kNameAttrName))
        sig->name = name.str();
      Operation *terminator = fn.getBody().front().getTerminator();
      OpBuilder b(terminator);
      if (failed(dimExprs(terminator->getOperand(i), b, *sig, fn.getLoc())))
        return failure();
      fs.outputs.push_back(*sig);
    }

    // Pass 1: storages and live ranges.
    unsigned position = 0;
    SmallVector<Operation *> launches;  // launches and slice loops, in order
    func::ReturnOp ret;
    for (Operation &op : fn.getBody().front()) {
      if (auto c = dyn_cast<arith::ConstantOp>(op)) {
        if (auto elements = dyn_cast<ElementsAttr>(c.getValue())) {
          FailureOr<size_t> index = addConstant(elements, c.getLoc());
          if (failed(index))
            return failure();
          valueStorage[c.getResult()] =
              addStorage({StorageSpace::Constant, (uint32_t)*index,
                          byteSize(cast<RankedTensorType>(c.getType()))});
          continue;
        }
      }
      // Sizes: evaluated per call from the symbols (dynamic functions).
      if (dynamic && isa<tensor::DimOp, arith::ConstantOp, arith::MulIOp,
                         arith::AddIOp, arith::SubIOp, arith::DivUIOp,
                         arith::DivSIOp, arith::CeilDivUIOp,
                         arith::CeilDivSIOp, affine::AffineApplyOp>(op) &&
          llvm::all_of(op.getResultTypes(), llvm::IsaPred<IndexType>))
        continue;
      if (isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(op)) {
        valueStorage[op.getResult(0)] = valueStorage.lookup(op.getOperand(0));
        continue;
      }
      if (auto launch = dyn_cast<LaunchOp>(op)) {
        for (Value in : launch.getInputs())
          touch(in, position);
        for (OpResult r : launch.getResults()) {
          FailureOr<Storage> storage = storageOf(r, StorageSpace::Arena, 0);
          if (failed(storage))
            return failure();
          Storage s = *storage;
          s.first = s.last = position;
          s.name = llvm::formatv("dispatch {0} ({1})", position,
                                 describe(launch.getLoc()))
                       .str();
          valueStorage[r] = addStorage(s);
        }
        launches.push_back(launch);
        ++position;
        continue;
      }
      if (auto loop = dyn_cast<SliceLoopOp>(op)) {
        for (Value in : loop.getInputs())
          touch(in, position);
        Storage s{StorageSpace::Arena, 0,
                  byteSize(cast<RankedTensorType>(loop.getType()))};
        s.first = s.last = position;
        s.name = llvm::formatv("slice loop {0} ({1})", position,
                               describe(loop.getLoc()))
                     .str();
        valueStorage[loop.getResult()] = addStorage(s);
        launches.push_back(loop);
        ++position;
        continue;
      }
      if (auto r = dyn_cast<func::ReturnOp>(op)) {
        ret = r;
        continue;
      }
      return op.emitError() << "'" << op.getName()
                            << "' cannot run on the host: only kernel "
                               "launches, slice loops, reshapes and "
                               "constants can (was the function fused and "
                               "outlined?)";
    }

    // Results: a result computed by a dispatch is written straight into the
    // output buffer; anything else (an input, a constant, a value returned
    // twice) is copied there at the end.
    std::vector<Command> copies;
    for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
      size_t id = valueStorage.lookup(v);
      Storage &s = storages[id];
      if (s.space == StorageSpace::Arena) {
        s.space = StorageSpace::Output;
        s.index = i;
        continue;
      }
      Command copy;
      copy.kind = Command::Kind::Copy;
      copy.src = refTo(id);
      copy.dst = BufferRef{StorageSpace::Output, (uint32_t)i, 0, s.size,
                           s.sizeExpr};
      copies.push_back(copy);
    }

    // Memory plan for what stays in the arena.
    std::vector<LiveBuffer> live;
    std::vector<size_t> liveIds;
    for (auto [id, s] : llvm::enumerate(storages)) {
      if (s.space != StorageSpace::Arena)
        continue;
      if (dynamic) {
        // Planned per call by the runtime; a ref names the buffer.
        s.index = fs.arenaBuffers.size();
        fs.arenaBuffers.push_back({s.sizeExpr, s.first, s.last});
        continue;
      }
      live.push_back({s.size, s.first, s.last, 0});
      liveIds.push_back(id);
      fs.bytesWithoutReuse += s.size;
    }
    fs.arenaSize = planArena(live, FunctionSchedule::kArenaAlignment);
    for (auto [k, id] : llvm::enumerate(liveIds)) {
      storages[id].offset = live[k].offset;
      fs.buffers.push_back({storages[id].name, storages[id].size,
                            live[k].offset, live[k].first, live[k].last});
    }

    for (Operation *hostOp : launches) {
      if (auto loop = dyn_cast<SliceLoopOp>(hostOp)) {
        fs.commands.push_back(sliceLoopCommand(loop));
        continue;
      }
      auto launch = cast<LaunchOp>(hostOp);
      StringRef kernel = launch.getKernel().getLeafReference().getValue();
      auto it = kernelIndex.find(kernel);
      if (it == kernelIndex.end())
        return launch.emitError() << "kernel @" << kernel << " is missing";
      Command d;
      d.kernel = it->second;
      for (Value in : launch.getInputs())
        if (isa<RankedTensorType>(in.getType()))
          d.bindings.push_back(refTo(valueStorage.lookup(in)));
      for (Value r : launch.getResults())
        d.bindings.push_back(refTo(valueStorage.lookup(r)));
      std::array<int64_t, 3> grid = grids[kernel];
      for (int i = 0; i < 3; ++i)
        d.workgroupCount[i] = static_cast<uint32_t>(grid[i]);
      if (failed(dynamicDispatch(launch, d)))
        return failure();
      fs.commands.push_back(std::move(d));
    }
    llvm::append_range(fs.commands, copies);
    into.push_back(std::move(fs));
    return success();
  }

private:
  /// The storage of `v` (static size, or its size expression).
  FailureOr<Storage> storageOf(Value v, StorageSpace space, uint32_t index) {
    auto type = cast<RankedTensorType>(v.getType());
    Storage s{space, index, 0};
    if (type.hasStaticShape()) {
      s.size = byteSize(type);
      if (dynamic)
        s.sizeExpr = addExpr(SizeExpr::constant(int64_t(s.size)));
      return s;
    }
    // bytes = element size x the product of the dimensions.
    MLIRContext *ctx = v.getContext();
    AffineExpr bytes = getAffineConstantExpr(
        storageBytesPerElement(type.getElementType()), ctx);
    OpBuilder b(ctx);
    if (auto arg = dyn_cast<BlockArgument>(v))
      b.setInsertionPointToStart(arg.getOwner());
    else
      b.setInsertionPointAfter(v.getDefiningOp());
    for (int64_t d = 0; d < type.getRank(); ++d) {
      FailureOr<Value> size = hostDim(b, v, d);
      FailureOr<AffineExpr> e =
          succeeded(size) ? indexExpr(*size, symbolValues)
                          : FailureOr<AffineExpr>(failure());
      if (failed(e))
        return emitError(v.getLoc())
               << "cannot express the size of a " << formatType(type)
               << " in the sizes of the function's inputs";
      bytes = bytes * *e;
    }
    s.sizeExpr = addExpr(toSizeExpr(bytes));
    return s;
  }

  /// A dynamic function's dispatch: its sizes, push constants and grid as
  /// expressions.
  LogicalResult dynamicDispatch(LaunchOp launch, Command &d) {
    if (!dynamic)
      return success();
    SmallVector<AffineExpr> pushConstants;
    for (Value in : launch.getInputs()) {
      if (!isa<IndexType>(in.getType()))
        continue;
      FailureOr<AffineExpr> e = indexExpr(in, symbolValues);
      if (failed(e))
        return launch.emitError()
               << "a size this kernel takes is not computed from the sizes "
                  "of the function's inputs";
      pushConstants.push_back(*e);
      d.pushConstantExprs.push_back(addExpr(toSizeExpr(*e)));
    }
    StringRef kernel = launch.getKernel().getLeafReference().getValue();
    if (AffineMap map = gridMaps.lookup(kernel)) {
      for (int i = 0; i < 3; ++i) {
        AffineExpr count = simplifyAffineExpr(
            map.getResult(i).replaceSymbols(pushConstants), 0,
            symbolValues.size());
        if (auto c = dyn_cast<AffineConstantExpr>(count))
          d.workgroupCount[i] = static_cast<uint32_t>(c.getValue());
        else
          d.workgroupCountExprs[i] = addExpr(toSizeExpr(count));
      }
    }
    return success();
  }

  /// `e` (constants and symbols of the function) in postfix.
  SizeExpr toSizeExpr(AffineExpr e) {
    SizeExpr out;
    std::function<void(AffineExpr)> emit = [&](AffineExpr x) {
      if (auto c = dyn_cast<AffineConstantExpr>(x)) {
        out.code.push_back(SizeExpr::Const);
        out.code.push_back(c.getValue());
        return;
      }
      if (auto sym = dyn_cast<AffineSymbolExpr>(x)) {
        out.code.push_back(SizeExpr::Symbol);
        out.code.push_back(sym.getPosition());
        return;
      }
      auto bin = cast<AffineBinaryOpExpr>(x);
      emit(bin.getLHS());
      emit(bin.getRHS());
      switch (bin.getKind()) {
      case AffineExprKind::Add: out.code.push_back(SizeExpr::Add); break;
      case AffineExprKind::Mul: out.code.push_back(SizeExpr::Mul); break;
      case AffineExprKind::FloorDiv:
        out.code.push_back(SizeExpr::FloorDiv);
        break;
      case AffineExprKind::CeilDiv:
        out.code.push_back(SizeExpr::CeilDiv);
        break;
      case AffineExprKind::Mod: out.code.push_back(SizeExpr::Mod); break;
      default: break;
      }
    };
    emit(simplifyAffineExpr(e, 0, symbolValues.size()));
    return out;
  }

  ExprId addExpr(const SizeExpr &e) {
    auto it = exprIds.find(e.code);
    if (it != exprIds.end())
      return it->second;
    ExprId id = current->exprs.size();
    current->exprs.push_back(e);
    exprIds[e.code] = id;
    return id;
  }

  FailureOr<ExprId> exprOf(Value size) {
    FailureOr<AffineExpr> e = indexExpr(size, symbolValues);
    if (failed(e))
      return failure();
    return addExpr(toSizeExpr(*e));
  }

  Command sliceLoopCommand(SliceLoopOp op) {
    Command c;
    c.kind = Command::Kind::SliceLoop;
    SliceLoop &loop = c.loop;
    loop.body = bodyIndex.lookup(op.getBody());
    loop.accumulate = bodyIndex.lookup(op.getAccumulate());
    loop.reduce = bodyIndex.lookup(op.getReduce());
    size_t k = op.getExtents().size();
    for (int64_t e : op.getExtents())
      loop.extents.push_back(e);
    auto bytes = [](Value v) {
      return storageBytesPerElement(
          cast<RankedTensorType>(v.getType()).getElementType());
    };
    for (auto [t, in] : llvm::enumerate(op.getInputs())) {
      loop.inputs.push_back(refTo(valueStorage.lookup(in)));
      std::vector<uint64_t> strides;
      for (int64_t s : op.getInputStrides().slice(t * k, k))
        strides.push_back(uint64_t(s) * bytes(in));
      loop.inputStrides.push_back(std::move(strides));
    }
    loop.accumulator = refTo(valueStorage.lookup(op.getResult()));
    for (int64_t s : op.getOutputStrides())
      loop.outputStrides.push_back(uint64_t(s) * bytes(op.getResult()));
    return c;
  }

  size_t addStorage(Storage s) {
    storages.push_back(s);
    return storages.size() - 1;
  }

  void touch(Value v, unsigned position) {
    auto it = valueStorage.find(v);
    if (it == valueStorage.end())
      return;
    Storage &s = storages[it->second];
    s.last = std::max(s.last, position);
  }

  BufferRef refTo(size_t id) {
    const Storage &s = storages[id];
    return BufferRef{s.space, s.index,
                     s.space == StorageSpace::Arena ? s.offset : 0, s.size,
                     s.sizeExpr};
  }

  FailureOr<size_t> addConstant(ElementsAttr attr, Location loc) {
    auto it = constantIndex.find(attr);
    if (it != constantIndex.end())
      return it->second;
    std::vector<char> bytes;
    if (failed(getConstantBytes(attr, bytes)))
      return emitError(loc) << "the data of this constant is not available "
                               "(a dense_resource without its blob?)";
    size_t index = schedule.constants.size();
    schedule.constants.push_back(std::move(bytes));
    constantIndex[attr] = index;
    return index;
  }

  ModuleOp top;
  ModuleSchedule &schedule;
  llvm::StringMap<size_t> kernelIndex;
  llvm::StringMap<uint32_t> bodyIndex;
  llvm::StringMap<std::array<int64_t, 3>> grids;
  llvm::StringMap<AffineMap> gridMaps;
  // The function being built: whether it has dynamic dimensions, the host
  // values of its symbols, and its expressions (deduplicated).
  bool dynamic = false;
  SmallVector<Value> symbolValues;
  std::map<std::vector<int64_t>, ExprId> exprIds;
  FunctionSchedule *current = nullptr;
  llvm::DenseMap<Attribute, size_t> constantIndex;
  std::vector<Storage> storages;
  llvm::DenseMap<Value, size_t> valueStorage;
};

} // namespace

FailureOr<ModuleSchedule> buildSchedule(ModuleOp top) {
  ModuleSchedule schedule;
  ScheduleBuilder builder(top, schedule);
  if (failed(builder.buildKernels()))
    return failure();
  bool any = false;
  for (func::FuncOp fn : top.getOps<func::FuncOp>()) {
    if (fn.isPrivate() || fn.isDeclaration())
      continue;
    any = true;
    if (failed(builder.buildBodies(fn)) ||
        failed(builder.buildFunction(fn, schedule.functions)))
      return failure();
  }
  if (!any)
    return top.emitError() << "the model has no public function to run";
  return schedule;
}

/// Entry functions, then slice-loop bodies.
static SmallVector<const FunctionSchedule *>
allFunctions(const ModuleSchedule &schedule) {
  SmallVector<const FunctionSchedule *> all;
  for (const FunctionSchedule &fs : schedule.functions)
    all.push_back(&fs);
  for (const FunctionSchedule &fs : schedule.bodies)
    all.push_back(&fs);
  return all;
}

std::string formatSizeExpr(const SizeExpr &e,
                           ArrayRef<std::string> symbols) {
  std::vector<std::string> stack;
  for (size_t i = 0; i < e.code.size(); ++i) {
    int64_t op = e.code[i];
    if (op == SizeExpr::Const || op == SizeExpr::Symbol) {
      int64_t v = i + 1 < e.code.size() ? e.code[++i] : 0;
      stack.push_back(op == SizeExpr::Const
                          ? std::to_string(v)
                          : (v >= 0 && size_t(v) < symbols.size()
                                 ? symbols[v]
                                 : "?"));
      continue;
    }
    if (stack.size() < 2)
      return "<invalid>";
    std::string b = stack.back();
    stack.pop_back();
    std::string a = stack.back();
    stack.pop_back();
    const char *sym = op == SizeExpr::Add        ? " + "
                      : op == SizeExpr::Sub      ? " - "
                      : op == SizeExpr::Mul      ? " * "
                      : op == SizeExpr::FloorDiv ? " floordiv "
                      : op == SizeExpr::CeilDiv  ? " ceildiv "
                      : op == SizeExpr::Mod      ? " mod "
                      : op == SizeExpr::Min      ? " min "
                                                 : " max ";
    bool last = i + 1 == e.code.size();
    std::string joined = a + sym + b;
    stack.push_back(last ? joined : "(" + joined + ")");
  }
  return stack.size() == 1 ? stack.back() : "<invalid>";
}

void printMemoryPlan(const ModuleSchedule &schedule, llvm::raw_ostream &os) {
  for (const FunctionSchedule *f : allFunctions(schedule)) {
    const FunctionSchedule &fs = *f;
    size_t dispatches = llvm::count_if(fs.commands, [](const Command &c) {
      return c.kind == Command::Kind::Dispatch;
    });
    size_t loops = llvm::count_if(fs.commands, [](const Command &c) {
      return c.kind == Command::Kind::SliceLoop;
    });
    os << "memory plan for @" << fs.name << ": " << dispatches
       << " dispatches, ";
    if (loops)
      os << loops << " slice loop" << (loops == 1 ? "" : "s") << ", ";
    if (fs.isDynamic()) {
      os << fs.arenaBuffers.size()
         << " intermediate buffers of sizes known per call (the runtime "
            "plans the arena at each call)\n";
      for (const ArenaBuffer &b : fs.arenaBuffers)
        os << llvm::formatv("  {0} bytes  live {1}-{2}\n",
                            formatSizeExpr(fs.exprs[b.sizeExpr], fs.symbols),
                            b.first, b.last);
      continue;
    }
    os << fs.buffers.size() << " intermediate buffers, "
       << fs.bytesWithoutReuse << " bytes without reuse, arena "
       << fs.arenaSize << " bytes (peak)\n";
    for (const PlannedBuffer &b : fs.buffers)
      os << llvm::formatv("  {0,10} bytes at offset {1,10}  live {2}-{3}  {4}\n",
                          b.size, b.offset, b.firstUse, b.lastUse, b.value);
  }
}

} // namespace loom

namespace loom {

void printDispatchStats(ModuleOp top, const ModuleSchedule &schedule,
                        llvm::raw_ostream &os) {
  llvm::StringMap<func::FuncOp> kernels;
  if (ModuleOp m = getKernelModule(top))
    for (func::FuncOp k : getKernels(m))
      kernels[k.getName()] = k;
  for (const FunctionSchedule *f : allFunctions(schedule)) {
    const FunctionSchedule &fs = *f;
    SmallVector<const Command *> dispatches;
    for (const Command &c : fs.commands)
      if (c.kind == Command::Kind::Dispatch)
        dispatches.push_back(&c);
    unsigned scalarKernels = 0;
    std::string lines;
    llvm::raw_string_ostream ls(lines);
    for (const Command *c : dispatches) {
      const std::string &name = schedule.kernels[c->kernel].name;
      std::string grid[3];
      for (int i = 0; i < 3; ++i)
        grid[i] = c->workgroupCountExprs[i] == kStatic
                      ? std::to_string(c->workgroupCount[i])
                      : "(" +
                            formatSizeExpr(fs.exprs[c->workgroupCountExprs[i]],
                                           fs.symbols) +
                            ")";
      ls << llvm::formatv("  {0,-28} grid {1}x{2}x{3}", name, grid[0], grid[1],
                          grid[2]);
      func::FuncOp k = kernels.lookup(name);
      SmallVector<StringRef> scalar;
      if (k)
        scalar = getScalarOps(k);
      if (!scalar.empty()) {
        ++scalarKernels;
        ls << "  SCALAR LOOPS:";
        for (StringRef op : scalar)
          ls << " " << op;
      } else {
        ls << "  vectorized";
      }
      ls << "\n";
    }
    os << "dispatch stats for @" << fs.name << ": " << dispatches.size()
       << " kernels, ";
    if (fs.isDynamic())
      os << fs.arenaBuffers.size() << " intermediates of sizes known per call, ";
    else
      os << fs.buffers.size() << " intermediates of " << fs.bytesWithoutReuse
         << " bytes (arena " << fs.arenaSize << " bytes), ";
    os << scalarKernels
       << " kernels with scalar fallbacks\n"
       << lines;
  }
}

} // namespace loom
