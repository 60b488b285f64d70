//===- HostEntry.cpp - host schedules compiled to code --------------------===//
#include "HostEntry.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;

namespace loom {

namespace {

class EntryBuilder {
public:
  EntryBuilder(ModuleOp kernels, const ModuleSchedule &schedule,
               bool fenceStreamingStores)
      : kernels(kernels), schedule(schedule),
        fenceStreamingStores(fenceStreamingStores), ctx(kernels.getContext()),
        b(ctx), loc(kernels.getLoc()), ptr(LLVM::LLVMPointerType::get(ctx)),
        i32(IntegerType::get(ctx, 32)), i64(IntegerType::get(ctx, 64)) {}

  LogicalResult build() {
    b.setInsertionPointToEnd(kernels.getBody());
    declareLibc();
    for (auto [i, bytes] : llvm::enumerate(schedule.constants)) {
      auto type = RankedTensorType::get({(int64_t)bytes.size()}, b.getI8Type());
      auto value = DenseElementsAttr::getFromRawBuffer(type, bytes);
      auto global = LLVM::GlobalOp::create(
          b, loc, LLVM::LLVMArrayType::get(b.getI8Type(), bytes.size()),
          /*isConstant=*/true, LLVM::Linkage::Internal,
          "__loom_constant_" + std::to_string(i), value, /*alignment=*/64);
      constants.push_back(global);
    }
    for (const FunctionSchedule &f : schedule.functions) {
      // A schedule of sizes computed per call is left to the runtime.
      if (f.isDynamic()) {
        emitWarning(loc) << "function '" << f.name
                         << "' has dynamic dimensions: the output carries "
                            "its kernels but no host entry loom_"
                         << f.name << " (run it from a module file)";
        continue;
      }
      if (failed(buildFunction(f)))
        return failure();
    }
    return success();
  }

private:
  void declareLibc() {
    auto existing = [&](StringRef name) {
      return kernels.lookupSymbol<LLVM::LLVMFuncOp>(name);
    };
    if (!existing("aligned_alloc"))
      LLVM::LLVMFuncOp::create(b, loc, "aligned_alloc",
                               LLVM::LLVMFunctionType::get(ptr, {i64, i64}));
    if (!existing("free"))
      LLVM::LLVMFuncOp::create(
          b, loc, "free",
          LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), {ptr}));
  }

  Value constI32(int64_t v) {
    return LLVM::ConstantOp::create(b, loc, i32, b.getI32IntegerAttr(v));
  }
  Value constI64(int64_t v) {
    return LLVM::ConstantOp::create(b, loc, i64, b.getI64IntegerAttr(v));
  }
  Value gepBytes(Value base, uint64_t offset) {
    if (offset == 0)
      return base;
    return LLVM::GEPOp::create(b, loc, ptr, b.getI8Type(), base,
                               ArrayRef<LLVM::GEPArg>{(int64_t)offset});
  }
  Value loadPointer(Value array, uint32_t index) {
    Value slot = LLVM::GEPOp::create(b, loc, ptr, ptr, array,
                                     ArrayRef<LLVM::GEPArg>{(int32_t)index});
    return LLVM::LoadOp::create(b, loc, ptr, slot);
  }

  Value address(const BufferRef &ref) {
    Value base;
    switch (ref.space) {
    case StorageSpace::Input:
      base = loadPointer(inputs, ref.index);
      break;
    case StorageSpace::Output:
      base = loadPointer(outputs, ref.index);
      break;
    case StorageSpace::Constant:
      base = LLVM::AddressOfOp::create(b, loc, constants[ref.index]);
      break;
    case StorageSpace::Arena:
      base = arena;
      break;
    }
    return gepBytes(base, ref.offset);
  }

  void store(Value value, Value array, Type elementType, int32_t index) {
    Value slot = LLVM::GEPOp::create(b, loc, ptr, elementType, array,
                                     ArrayRef<LLVM::GEPArg>{index});
    LLVM::StoreOp::create(b, loc, value, slot);
  }

  /// One kernel call per workgroup, in a loop over the flattened grid.
  void emitDispatch(const Command &c, LLVM::LLVMFuncOp fn) {
    const KernelInfo &kernel = schedule.kernels[c.kernel];
    for (auto [i, ref] : llvm::enumerate(c.bindings))
      store(address(ref), bindings, ptr, i);
    for (int d = 0; d < 3; ++d)
      store(constI32(c.workgroupCount[d]), wgCount, i32, d);
    Value nullPtr = LLVM::ZeroOp::create(b, loc, ptr);
    auto callee = FlatSymbolRefAttr::get(ctx, kernel.name);
    auto call = [&](Value x, Value y, Value z) {
      store(x, wgId, i32, 0);
      store(y, wgId, i32, 1);
      store(z, wgId, i32, 2);
      LLVM::CallOp::create(b, loc, TypeRange{}, callee,
                           ValueRange{bindings, nullPtr, wgId, wgCount});
    };
    uint64_t cx = c.workgroupCount[0], cy = c.workgroupCount[1],
             cz = c.workgroupCount[2];
    uint64_t total = cx * cy * cz;
    if (total == 1) {
      call(constI32(0), constI32(0), constI32(0));
      return;
    }
    // entry -> header(i) -> body -> header(i + 1) ... -> exit
    Block *current = b.getInsertionBlock();
    Block *header = new Block(), *body = new Block(), *exit = new Block();
    fn.getBody().push_back(header);
    fn.getBody().push_back(body);
    fn.getBody().push_back(exit);
    Value i = header->addArgument(i32, loc);
    b.setInsertionPointToEnd(current);
    LLVM::BrOp::create(b, loc, ValueRange{constI32(0)}, header);
    b.setInsertionPointToEnd(header);
    Value more = LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::ult, i,
                                      constI32(total));
    LLVM::CondBrOp::create(b, loc, more, body, exit);
    b.setInsertionPointToEnd(body);
    Value x = LLVM::URemOp::create(b, loc, i, constI32(cx));
    Value xy = LLVM::UDivOp::create(b, loc, i, constI32(cx));
    Value y = LLVM::URemOp::create(b, loc, xy, constI32(cy));
    Value z = LLVM::UDivOp::create(b, loc, xy, constI32(cy));
    call(x, y, z);
    Value next = LLVM::AddOp::create(b, loc, i, constI32(1));
    LLVM::BrOp::create(b, loc, ValueRange{next}, header);
    b.setInsertionPointToEnd(exit);
  }

  LogicalResult buildFunction(const FunctionSchedule &f) {
    std::string name = "loom_" + f.name;
    if (kernels.lookupSymbol(name))
      return kernels.emitError() << "symbol '" << name
                                 << "' is both a kernel and an entry point";
    b.setInsertionPointToEnd(kernels.getBody());
    auto fn = LLVM::LLVMFuncOp::create(
        b, loc, name,
        LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), {ptr, ptr}));
    Block *entry = fn.addEntryBlock(b);
    b.setInsertionPointToStart(entry);
    inputs = entry->getArgument(0);
    outputs = entry->getArgument(1);

    size_t maxBindings = 1;
    for (const Command &c : f.commands)
      maxBindings = std::max(maxBindings, c.bindings.size());
    bindings = LLVM::AllocaOp::create(b, loc, ptr, ptr,
                                      constI32(maxBindings), 8);
    wgId = LLVM::AllocaOp::create(b, loc, ptr, i32, constI32(3), 4);
    wgCount = LLVM::AllocaOp::create(b, loc, ptr, i32, constI32(3), 4);
    arena = Value();
    if (f.arenaSize > 0) {
      uint64_t size = (f.arenaSize + 63) / 64 * 64;
      arena = LLVM::CallOp::create(b, loc, TypeRange{ptr},
                                   FlatSymbolRefAttr::get(ctx, "aligned_alloc"),
                                   ValueRange{constI64(64), constI64(size)})
                  .getResult();
    }
    for (const Command &c : f.commands) {
      if (c.kind == Command::Kind::Dispatch) {
        emitDispatch(c, fn);
        continue;
      }
      LLVM::MemcpyOp::create(b, loc, address(c.dst), address(c.src),
                             constI64(c.dst.size), /*isVolatile=*/false);
    }
    if (arena)
      LLVM::CallOp::create(b, loc, TypeRange{},
                           FlatSymbolRefAttr::get(ctx, "free"),
                           ValueRange{arena});
    // Kernels leave their streaming stores unfenced (kernel ABI version 2):
    // order them before the results go back to the caller, who may hand
    // them to another thread.
    if (fenceStreamingStores)
      LLVM::CallIntrinsicOp::create(b, loc,
                                    b.getStringAttr("llvm.x86.sse.sfence"),
                                    ValueRange{});
    LLVM::ReturnOp::create(b, loc, ValueRange{});
    return success();
  }

  ModuleOp kernels;
  const ModuleSchedule &schedule;
  bool fenceStreamingStores;
  MLIRContext *ctx;
  OpBuilder b;
  Location loc;
  Type ptr, i32, i64;
  SmallVector<LLVM::GlobalOp> constants;
  Value inputs, outputs, bindings, wgId, wgCount, arena;
};

} // namespace

LogicalResult addHostEntries(ModuleOp kernels, const ModuleSchedule &schedule,
                             bool fenceStreamingStores) {
  return EntryBuilder(kernels, schedule, fenceStreamingStores).build();
}

} // namespace loom
