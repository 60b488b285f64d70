//===- GpuCreateKernels.cpp - kernel func.func -> gpu.func ----------------===//
#include "loom/passes/KernelModule.h"
#include "loom/passes/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

namespace loom {
#define GEN_PASS_DEF_LOOMGPUCREATEKERNELS
#include "passes/Passes.h.inc"
} // namespace loom

using namespace mlir;
using namespace loom;

namespace {

bool isSpace(Type type, gpu::AddressSpace space) {
  auto attr =
      dyn_cast_or_null<gpu::AddressSpaceAttr>(cast<MemRefType>(type).getMemorySpace());
  return attr && attr.getValue() == space;
}

LogicalResult createKernel(RewriterBase &rewriter, func::FuncOp kernel,
                           gpu::GPUModuleOp gpuModule) {
  MLIRContext *ctx = kernel.getContext();
  if (!kernel.getBody().hasOneBlock())
    return kernel.emitError("a GPU kernel body must be a single block");
  Block &body = kernel.front();
  // (bindings..., push constants..., workgroup id x, y, z): the gpu.func
  // takes the bindings and the push constants.
  unsigned numArgs = kernel.getNumArguments() - 3;
  unsigned numBindings =
      llvm::count_if(kernel.getArgumentTypes(), llvm::IsaPred<MemRefType>);
  // A binding with dynamic dimensions is a rank-0 memref viewed in its
  // shape by memref.reinterpret_cast (--loom-outline-dispatches): on the
  // GPU it is a 1-D buffer of unknown length (a runtime array), which the
  // views index.
  for (BlockArgument arg : body.getArguments().take_front(numBindings)) {
    auto type = cast<MemRefType>(arg.getType());
    if (type.getRank() != 0 || arg.use_empty() ||
        !llvm::all_of(arg.getUsers(), llvm::IsaPred<memref::ReinterpretCastOp>))
      continue;
    arg.setType(MemRefType::get({ShapedType::kDynamic}, type.getElementType(),
                                MemRefLayoutAttrInterface(),
                                type.getMemorySpace()));
  }

  SmallVector<memref::AllocOp> workgroup, priv;
  WalkResult walk = kernel.walk([&](memref::AllocOp alloc) {
    if (!alloc.getType().hasStaticShape()) {
      alloc.emitError("GPU kernels cannot allocate buffers of dynamic size");
      return WalkResult::interrupt();
    }
    if (isSpace(alloc.getType(), gpu::AddressSpace::Workgroup))
      workgroup.push_back(alloc);
    else if (isSpace(alloc.getType(), gpu::AddressSpace::Private))
      priv.push_back(alloc);
    else {
      alloc.emitError() << "GPU kernel temporary " << alloc.getType()
                        << " is neither in workgroup nor private memory";
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  rewriter.setInsertionPointToEnd(gpuModule.getBody());
  SmallVector<Type> argTypes;
  for (BlockArgument arg : body.getArguments().take_front(numArgs))
    argTypes.push_back(arg.getType());
  auto type = FunctionType::get(ctx, argTypes, {});
  auto gpuFunc =
      gpu::GPUFuncOp::create(rewriter, kernel.getLoc(), kernel.getName(), type);
  gpuFunc->setAttr(gpu::GPUDialect::getKernelFuncAttrName(),
                   UnitAttr::get(ctx));
  std::array<int64_t, 3> size = getWorkgroupSize(kernel);
  gpuFunc.setKnownBlockSizeAttr(DenseI32ArrayAttr::get(
      ctx, {(int32_t)size[0], (int32_t)size[1], (int32_t)size[2]}));
  if (KernelAttr contract = getKernelAttr(kernel))
    gpuFunc->setAttr(kKernelAttrName, contract);

  Block &entry = gpuFunc.getBody().front();
  rewriter.setInsertionPointToStart(&entry);
  SmallVector<Value> replacements(entry.getArguments().take_front(numArgs));
  for (gpu::Dimension d :
       {gpu::Dimension::x, gpu::Dimension::y, gpu::Dimension::z})
    replacements.push_back(
        gpu::BlockIdOp::create(rewriter, kernel.getLoc(), d));
  rewriter.mergeBlocks(&body, &entry, replacements);
  // Static temporaries live for the whole kernel: allocated once, at entry
  // (private ones on the invocation's stack).
  for (memref::AllocOp alloc : workgroup)
    rewriter.moveOpBefore(alloc, &entry, entry.begin());
  for (memref::AllocOp alloc : priv) {
    rewriter.setInsertionPointToStart(&entry);
    rewriter.replaceOpWithNewOp<memref::AllocaOp>(alloc, alloc.getType());
  }
  auto ret = cast<func::ReturnOp>(entry.getTerminator());
  rewriter.setInsertionPoint(ret);
  rewriter.replaceOpWithNewOp<gpu::ReturnOp>(ret);
  rewriter.eraseOp(kernel);
  return success();
}

struct LoomGpuCreateKernelsPass
    : public loom::impl::LoomGpuCreateKernelsBase<LoomGpuCreateKernelsPass> {
  void runOnOperation() override {
    ModuleOp top = getOperation();
    ModuleOp kernels = getKernelModule(top);
    if (!kernels)
      return;
    MLIRContext *ctx = &getContext();
    IRRewriter rewriter(ctx);
    top->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                 UnitAttr::get(ctx));
    rewriter.setInsertionPoint(kernels);
    auto gpuModule =
        gpu::GPUModuleOp::create(rewriter, kernels.getLoc(), kKernelModuleName);
    for (func::FuncOp kernel : getKernels(kernels))
      if (failed(createKernel(rewriter, kernel, gpuModule)))
        return signalPassFailure();
    if (!kernels.getBody()->empty()) {
      kernels.emitError("the kernel module holds ops that are not kernels");
      return signalPassFailure();
    }
    rewriter.eraseOp(kernels);
  }
};

} // namespace
