//===- Schedule.cpp - host schedule and memory plan -----------------------===//
#include "loom/module/Schedule.h"

#include "loom/dialect/ConstantData.h"
#include "loom/dialect/LoomDialect.h"
#include "loom/dialect/LoomOps.h"
#include "loom/module/MemoryPlanner.h"
#include "loom/dialect/KernelContract.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FormatVariadic.h"

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
        schedule.kernels.push_back(
            {k.getName().str(), (uint32_t)k.getNumArguments() - 3, {}});
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
      if (!tensor || !tensor.hasStaticShape() || !d)
        return emitError(loc) << what << " #" << i << " of @" << fn.getName()
                              << " has type " << t
                              << ", but entry functions take and return "
                                 "statically shaped tensors of f32, f16, bf16, "
                                 "f64, i1, i8, i32 or i64";
      return TensorSignature{
          *d,
          std::vector<int64_t>(tensor.getShape().begin(),
                               tensor.getShape().end()),
          {}};
    };
    for (auto [i, arg] : llvm::enumerate(fn.getArguments())) {
      FailureOr<TensorSignature> sig =
          signatureOf(arg.getType(), arg.getLoc(), "argument", i);
      if (failed(sig))
        return failure();
      if (auto name = fn.getArgAttrOfType<StringAttr>(i, kNameAttrName))
        sig->name = name.str();
      fs.inputs.push_back(*sig);
      valueStorage[arg] = addStorage(
          {StorageSpace::Input, (uint32_t)i,
           byteSize(cast<RankedTensorType>(arg.getType()))});
    }
    for (auto [i, t] : llvm::enumerate(fn.getResultTypes())) {
      FailureOr<TensorSignature> sig = signatureOf(t, fn.getLoc(), "result", i);
      if (failed(sig))
        return failure();
      if (auto name = fn.getResultAttrOfType<StringAttr>(i, kNameAttrName))
        sig->name = name.str();
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
      if (isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(op)) {
        valueStorage[op.getResult(0)] = valueStorage.lookup(op.getOperand(0));
        continue;
      }
      if (auto launch = dyn_cast<LaunchOp>(op)) {
        for (Value in : launch.getInputs())
          touch(in, position);
        for (OpResult r : launch.getResults()) {
          Storage s{StorageSpace::Arena, 0,
                    byteSize(cast<RankedTensorType>(r.getType()))};
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
      uint64_t size = byteSize(cast<RankedTensorType>(v.getType()));
      if (s.space == StorageSpace::Arena) {
        s.space = StorageSpace::Output;
        s.index = i;
        continue;
      }
      Command copy;
      copy.kind = Command::Kind::Copy;
      copy.src = refTo(id);
      copy.dst = BufferRef{StorageSpace::Output, (uint32_t)i, 0, size};
      copies.push_back(copy);
    }

    // Memory plan for what stays in the arena.
    std::vector<LiveBuffer> live;
    std::vector<size_t> liveIds;
    for (auto [id, s] : llvm::enumerate(storages)) {
      if (s.space != StorageSpace::Arena)
        continue;
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
        d.bindings.push_back(refTo(valueStorage.lookup(in)));
      for (Value r : launch.getResults())
        d.bindings.push_back(refTo(valueStorage.lookup(r)));
      std::array<int64_t, 3> grid = grids[kernel];
      for (int i = 0; i < 3; ++i)
        d.workgroupCount[i] = static_cast<uint32_t>(grid[i]);
      fs.commands.push_back(std::move(d));
    }
    llvm::append_range(fs.commands, copies);
    into.push_back(std::move(fs));
    return success();
  }

private:
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
                     s.space == StorageSpace::Arena ? s.offset : 0, s.size};
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
      ls << llvm::formatv("  {0,-28} grid {1}x{2}x{3}", name,
                          c->workgroupCount[0], c->workgroupCount[1],
                          c->workgroupCount[2]);
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
       << " kernels, " << fs.buffers.size() << " intermediates of "
       << fs.bytesWithoutReuse << " bytes (arena " << fs.arenaSize
       << " bytes), " << scalarKernels
       << " kernels with scalar fallbacks\n"
       << lines;
  }
}

} // namespace loom
