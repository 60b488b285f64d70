//===- GpuToSpirv.cpp - the Loom steps of the Vulkan (SPIR-V) lowering ----===//
//
// --loom-gpu-prepare-spirv before the upstream conversion to the spirv
// dialect, --loom-spirv-target-version after it; the whole lowering is
// buildLoomVulkanLoweringPipeline (passes/pipelines).
//
#include "GpuUtils.h"

#include "loom/passes/Passes.h"
#include "loom/passes/VulkanTargetEnv.h"

#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVDialect.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVOps.h"
#include "mlir/Dialect/SPIRV/IR/TargetAndABI.h"
#include "mlir/IR/AttrTypeSubElements.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/StringSet.h"

namespace loom {
#define GEN_PASS_DEF_LOOMGPUPREPARESPIRV
#define GEN_PASS_DEF_LOOMSPIRVPUSHCONSTANTS
#define GEN_PASS_DEF_LOOMSPIRVTARGETVERSION
#include "passes/Passes.h.inc"
} // namespace loom

using namespace mlir;
using namespace loom;

namespace {

/// The capability (and what to add to the target environment) a type
/// needs, or "" when the default environment has it.
struct Requirement {
  StringRef what, capabilities;
};

/// What storing or computing on elements of `type` needs from the target.
/// bf16 is emulated (16-bit integers, then 32-bit words where the target
/// lacks 16-bit storage); i1 and i8 likewise as bytes in 32-bit words.
std::optional<Requirement> requirementOf(Type type, bool inStorageBuffer) {
  if (type.isInteger(64))
    return Requirement{"i64", "Int64"};
  if (type.isF64())
    return Requirement{"f64", "Float64"};
  if (type.isF16())
    return inStorageBuffer
               ? Requirement{"f16", "Float16,+StorageBuffer16BitAccess"}
               : Requirement{"f16", "Float16"};
  return std::nullopt;
}

bool envHas(const VulkanTargetEnv &env, StringRef capabilities) {
  SmallVector<StringRef> caps;
  capabilities.split(caps, ",+");
  return llvm::all_of(caps, [&](StringRef c) { return env.has(c); });
}

/// Reports the first op of each kind of value the target cannot hold.
LogicalResult checkCapabilities(gpu::GPUModuleOp module,
                                const VulkanTargetEnv &env) {
  llvm::StringSet<llvm::MallocAllocator> reported;
  bool ok = true;
  auto check = [&](Operation *op, Type type) {
    bool storage = false;
    if (auto memref = dyn_cast<MemRefType>(type)) {
      storage = !memref.getMemorySpace();
      type = memref.getElementType();
    } else if (auto vector = dyn_cast<VectorType>(type)) {
      type = vector.getElementType();
    }
    std::optional<Requirement> need = requirementOf(type, storage);
    // bf16 buffers are read as 16-bit integers: with 16-bit storage they
    // stay 16-bit and need 16-bit integer arithmetic (without it they are
    // emulated in 32-bit words).
    if (type.isBF16() && storage && env.has("StorageBuffer16BitAccess"))
      need = Requirement{"bf16", "Int16"};
    if (!need || envHas(env, need->capabilities) ||
        !reported.insert(need->what).second)
      return;
    ok = false;
    op->emitError() << "'" << op->getName() << "' uses " << need->what
                    << " values, which need the SPIR-V capabilit"
                    << (need->capabilities.contains(',') ? "ies " : "y ")
                    << need->capabilities << "; the Vulkan target environment '"
                    << env.str() << "' lacks "
                    << (need->capabilities.contains(',') ? "them" : "it")
                    << " (add +" << need->capabilities
                    << " to --vulkan-target-env if the device has "
                    << (need->capabilities.contains(',') ? "them" : "it")
                    << ")";
  };
  module.walk([&](Operation *op) {
    if (auto fn = dyn_cast<gpu::GPUFuncOp>(op)) {
      for (Type t : fn.getArgumentTypes())
        check(op, t);
      return;
    }
    // Operands first: a load from a buffer needs the storage capability.
    for (Type t : op->getOperandTypes())
      check(op, t);
    for (Type t : op->getResultTypes())
      check(op, t);
  });
  return success(ok);
}

/// Rewrites bf16 buffers as i16 buffers: loads and stores go through
/// bitcasts, which --arith-expand's bf16 patterns then turn into integer
/// arithmetic around f32.
LogicalResult emulateBf16Storage(gpu::GPUModuleOp module) {
  MLIRContext *ctx = module.getContext();
  IRRewriter rewriter(ctx);
  auto i16 = IntegerType::get(ctx, 16);
  auto bf16Type = BFloat16Type::get(ctx);
  auto retype = [&](Value v) -> LogicalResult {
    auto type = dyn_cast<MemRefType>(v.getType());
    if (!type || !type.getElementType().isBF16())
      return success();
    v.setType(MemRefType::get(type.getShape(), i16, type.getLayout(),
                              type.getMemorySpace()));
    for (OpOperand &use : llvm::make_early_inc_range(v.getUses())) {
      Operation *user = use.getOwner();
      if (auto load = dyn_cast<memref::LoadOp>(user)) {
        rewriter.setInsertionPointAfter(load);
        load.getResult().setType(i16);
        auto cast = arith::BitcastOp::create(rewriter, load.getLoc(), bf16Type,
                                             load.getResult());
        rewriter.replaceAllUsesExcept(load.getResult(), cast, cast);
        continue;
      }
      if (auto store = dyn_cast<memref::StoreOp>(user);
          store && store.getMemRef() == v) {
        rewriter.setInsertionPoint(store);
        auto cast = arith::BitcastOp::create(rewriter, store.getLoc(), i16,
                                             store.getValueToStore());
        rewriter.modifyOpInPlace(store, [&] {
          store.getValueMutable().assign(cast);
        });
        continue;
      }
      return user->emitError()
             << "bf16 buffers can only be loaded and stored in SPIR-V "
                "kernels, not used by '"
             << user->getName() << "'";
    }
    return success();
  };
  WalkResult walk = module.walk([&](Operation *op) {
    if (auto fn = dyn_cast<gpu::GPUFuncOp>(op)) {
      for (BlockArgument arg : fn.getArguments())
        if (failed(retype(arg)))
          return WalkResult::interrupt();
      SmallVector<Type> inputs;
      for (BlockArgument arg : fn.getArguments())
        inputs.push_back(arg.getType());
      fn.setFunctionType(FunctionType::get(ctx, inputs, {}));
      return WalkResult::advance();
    }
    if (isa<memref::AllocOp, memref::AllocaOp>(op) &&
        failed(retype(op->getResult(0))))
      return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return failure(walk.wasInterrupted());
}

/// The sizes of the views of dynamic bindings (memref.reinterpret_cast
/// over push constants) read by memref.dim are the push constants
/// themselves: SPIR-V has no memref.dim.
void foldDimsOfViews(gpu::GPUModuleOp module) {
  IRRewriter rewriter(module.getContext());
  module.walk([&](memref::DimOp dim) {
    auto view = dim.getSource().getDefiningOp<memref::ReinterpretCastOp>();
    std::optional<int64_t> index = dim.getConstantIndex();
    if (!view || !index || *index < 0 || *index >= view.getType().getRank())
      return;
    rewriter.setInsertionPoint(dim);
    rewriter.replaceOp(dim, getValueOrCreateConstantIndexOp(
                                rewriter, dim.getLoc(),
                                view.getMixedSizes()[*index]));
  });
}

/// Loads and stores through the view of a dynamic binding (a
/// memref.reinterpret_cast of the 1-D buffer, offset 0) index the buffer
/// itself at the linearized position: the view's strides may be push
/// constants (a transposed batch), which SPIR-V's memref lowering cannot
/// take.
void linearizeBindingViews(gpu::GPUModuleOp module) {
  IRRewriter rewriter(module.getContext());
  auto viewOf = [](Value memref) -> memref::ReinterpretCastOp {
    auto view = memref.getDefiningOp<memref::ReinterpretCastOp>();
    if (!view || view.getSource().getType().getRank() != 1 ||
        !isZeroInteger(view.getMixedOffsets()[0]))
      return nullptr;
    return view;
  };
  auto linearIndex = [&](memref::ReinterpretCastOp view, ValueRange indices,
                         Location loc) {
    Value linear;
    for (auto [index, stride] : llvm::zip(indices, view.getMixedStrides())) {
      Value term = arith::MulIOp::create(
          rewriter, loc, index,
          getValueOrCreateConstantIndexOp(rewriter, loc, stride));
      linear = linear ? arith::AddIOp::create(rewriter, loc, linear, term)
                            .getResult()
                      : term;
    }
    return linear ? linear : arith::ConstantIndexOp::create(rewriter, loc, 0);
  };
  module.walk([&](Operation *op) {
    if (auto load = dyn_cast<memref::LoadOp>(op)) {
      if (memref::ReinterpretCastOp view = viewOf(load.getMemRef())) {
        rewriter.setInsertionPoint(load);
        Value index = linearIndex(view, load.getIndices(), load.getLoc());
        rewriter.replaceOpWithNewOp<memref::LoadOp>(load, view.getSource(),
                                                    ValueRange{index});
      }
      return;
    }
    if (auto store = dyn_cast<memref::StoreOp>(op)) {
      if (memref::ReinterpretCastOp view = viewOf(store.getMemRef())) {
        rewriter.setInsertionPoint(store);
        Value index = linearIndex(view, store.getIndices(), store.getLoc());
        rewriter.replaceOpWithNewOp<memref::StoreOp>(
            store, store.getValueToStore(), view.getSource(),
            ValueRange{index});
      }
    }
  });
}

/// Sizes converted to floats (the count a mean divides by: index to i64
/// to f32) go through i32: an index is 32-bit in these kernels, and i64
/// needs a capability the target may lack.
void narrowIndexToFloat(gpu::GPUModuleOp module) {
  IRRewriter rewriter(module.getContext());
  auto i32 = rewriter.getI32Type();
  SmallVector<Operation *> casts;
  module.walk([&](Operation *op) {
    if (isa<arith::IndexCastOp, arith::IndexCastUIOp>(op) &&
        op->getResult(0).getType().isInteger(64) &&
        llvm::all_of(op->getUsers(),
                     llvm::IsaPred<arith::UIToFPOp, arith::SIToFPOp>))
      casts.push_back(op);
  });
  for (Operation *cast : casts) {
    rewriter.setInsertionPoint(cast);
    bool isUnsigned = isa<arith::IndexCastUIOp>(cast);
    Value narrow =
        isUnsigned ? arith::IndexCastUIOp::create(rewriter, cast->getLoc(), i32,
                                                  cast->getOperand(0))
                         .getResult()
                   : arith::IndexCastOp::create(rewriter, cast->getLoc(), i32,
                                                cast->getOperand(0))
                         .getResult();
    for (Operation *user : llvm::make_early_inc_range(cast->getUsers())) {
      rewriter.setInsertionPoint(user);
      Type type = user->getResult(0).getType();
      if (isa<arith::UIToFPOp>(user))
        rewriter.replaceOpWithNewOp<arith::UIToFPOp>(user, type, narrow);
      else
        rewriter.replaceOpWithNewOp<arith::SIToFPOp>(user, type, narrow);
    }
    rewriter.eraseOp(cast);
  }
}

/// The GPU address spaces as the Vulkan storage classes they map to.
void useVulkanStorageClasses(gpu::GPUModuleOp module) {
  MLIRContext *ctx = module.getContext();
  AttrTypeReplacer replacer;
  replacer.addReplacement([&](gpu::AddressSpaceAttr space)
                              -> std::optional<Attribute> {
    switch (space.getValue()) {
    case gpu::AddressSpace::Workgroup:
      return spirv::StorageClassAttr::get(ctx, spirv::StorageClass::Workgroup);
    case gpu::AddressSpace::Private:
      return spirv::StorageClassAttr::get(ctx, spirv::StorageClass::Function);
    case gpu::AddressSpace::Global:
      return spirv::StorageClassAttr::get(ctx,
                                          spirv::StorageClass::StorageBuffer);
    }
    return std::nullopt;
  });
  replacer.recursivelyReplaceElementsIn(module, /*replaceAttrs=*/true,
                                        /*replaceLocs=*/false,
                                        /*replaceTypes=*/true);
}

struct LoomGpuPrepareSpirvPass
    : public loom::impl::LoomGpuPrepareSpirvBase<LoomGpuPrepareSpirvPass> {
  using LoomGpuPrepareSpirvBase::LoomGpuPrepareSpirvBase;

  void runOnOperation() override {
    ModuleOp top = getOperation();
    MLIRContext *ctx = &getContext();
    VulkanTargetEnv env;
    std::string error;
    if (!parseVulkanTargetEnv(targetEnv, env, error)) {
      top.emitError() << "invalid Vulkan target environment: " << error;
      return signalPassFailure();
    }
    SmallVector<gpu::GPUModuleOp> modules(top.getOps<gpu::GPUModuleOp>());
    if (modules.empty())
      return;

    // Polynomial transcendentals (GLSL's tanh overflows, erf has no
    // instruction).
    RewritePatternSet math(ctx);
    populatePolynomialApproximateTanhPattern(math);
    populatePolynomialApproximateErfPattern(math);
    populatePolynomialApproximateErfcPattern(math);
    if (failed(applyPatternsGreedily(top, std::move(math))))
      return signalPassFailure();

    for (gpu::GPUModuleOp module : modules) {
      foldDimsOfViews(module);
      linearizeBindingViews(module);
      narrowIndexToFloat(module);
      if (failed(checkCapabilities(module, env)) ||
          failed(emulateBf16Storage(module)))
        return signalPassFailure();
      useVulkanStorageClasses(module);
      module->setAttr(spirv::getTargetEnvAttrName(),
                      getSpirvTargetEnvAttr(ctx, env));
      for (auto fn : module.getOps<gpu::GPUFuncOp>()) {
        if (!fn.isKernel())
          continue;
        SmallVector<int32_t, 3> wg = {1, 1, 1};
        if (DenseI32ArrayAttr size = fn.getKnownBlockSizeAttr())
          wg.assign(size.asArrayRef().begin(), size.asArrayRef().end());
        fn->setAttr(spirv::getEntryPointABIAttrName(),
                    spirv::getEntryPointABIAttr(ctx, wg));
      }
    }
  }
};

/// The scalar arguments of `fn` (an entry point) read from a push-constant
/// block of its own (`module` holds one per kernel, each exactly as large
/// as the kernel's push constant range), in order.
LogicalResult usePushConstants(spirv::ModuleOp module, spirv::FuncOp fn) {
  MLIRContext *ctx = fn.getContext();
  SmallVector<BlockArgument> scalars;
  for (BlockArgument arg : fn.getArguments())
    if (!isa<spirv::PointerType>(arg.getType()))
      scalars.push_back(arg);
  if (scalars.empty())
    return success();
  auto i32 = IntegerType::get(ctx, 32);
  for (BlockArgument arg : scalars)
    if (arg.getType() != i32)
      return fn.emitError() << "kernel '" << fn.getName() << "' argument #"
                            << arg.getArgNumber() << " is " << arg.getType()
                            << "; push constants are 32-bit integers";
  // struct { i32 values[N]; } (offset 0, stride 4), a Block.
  auto array = spirv::ArrayType::get(i32, scalars.size(), /*stride=*/4);
  auto block = spirv::StructType::get({array}, /*offsetInfo=*/{0});
  auto pointer =
      spirv::PointerType::get(block, spirv::StorageClass::PushConstant);
  OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
  std::string name = ("__push_constants_" + fn.getName() + "__").str();
  auto var = spirv::GlobalVariableOp::create(b, fn.getLoc(), pointer, name,
                                             /*initializer=*/nullptr);
  b.setInsertionPointToStart(&fn.getBody().front());
  Location loc = fn.getLoc();
  Value address = spirv::AddressOfOp::create(b, loc, var);
  Value zero = spirv::ConstantOp::create(b, loc, i32, b.getI32IntegerAttr(0));
  auto elementPointer =
      spirv::PointerType::get(i32, spirv::StorageClass::PushConstant);
  llvm::BitVector erased(fn.getNumArguments());
  for (auto [i, arg] : llvm::enumerate(scalars)) {
    Value index =
        spirv::ConstantOp::create(b, loc, i32, b.getI32IntegerAttr(i));
    Value element = spirv::AccessChainOp::create(
        b, loc, elementPointer, address, ValueRange{zero, index});
    Value value = spirv::LoadOp::create(b, loc, element);
    arg.replaceAllUsesWith(value);
    erased.set(arg.getArgNumber());
  }
  return fn.eraseArguments(erased);
}

struct LoomSpirvPushConstantsPass
    : public loom::impl::LoomSpirvPushConstantsBase<
          LoomSpirvPushConstantsPass> {
  void runOnOperation() override {
    WalkResult walk = getOperation().walk([&](spirv::FuncOp fn) {
      auto module = fn->getParentOfType<spirv::ModuleOp>();
      if (!module || !fn->hasAttr(spirv::getEntryPointABIAttrName()))
        return WalkResult::advance();
      return failed(usePushConstants(module, fn)) ? WalkResult::interrupt()
                                                  : WalkResult::advance();
    });
    if (walk.wasInterrupted())
      signalPassFailure();
  }
};

/// From SPIR-V 1.4 on, entry points list every global they use (the
/// lowering does so when the target allows it), which is only valid in a
/// module that declares 1.4+: spirv-update-vce picks the lowest version the
/// ops need, so raise it to the target's (the `spirv.target_env` that
/// --loom-gpu-prepare-spirv put on the gpu.module beside it).
struct LoomSpirvTargetVersionPass
    : public loom::impl::LoomSpirvTargetVersionBase<
          LoomSpirvTargetVersionPass> {
  void runOnOperation() override {
    ModuleOp top = getOperation();
    std::optional<spirv::Version> target;
    for (auto module : top.getOps<gpu::GPUModuleOp>())
      if (auto env = module->getAttrOfType<spirv::TargetEnvAttr>(
              spirv::getTargetEnvAttrName()))
        target = env.getVersion();
    if (!target || *target < spirv::Version::V_1_4)
      return;
    MLIRContext *ctx = &getContext();
    top.walk([&](spirv::ModuleOp module) {
      std::optional<spirv::VerCapExtAttr> vce = module.getVceTriple();
      if (!vce || vce->getVersion() >= *target)
        return;
      module.setVceTripleAttr(spirv::VerCapExtAttr::get(
          *target, llvm::to_vector(vce->getCapabilities()),
          llvm::to_vector(vce->getExtensions()), ctx));
    });
  }
};

} // namespace
