//===- loom-import.cpp - ONNX model -> loom dialect MLIR ------------------===//
//
//   loom-import MODEL.onnx [--input-shape=NAME:2x3x4]... [-o OUT.mlir]
//               [--mlir-print-debuginfo]
//   loom-import --list-ops
//
// Prints the imported module (one func.func @main in the loom dialect), the
// text that loom-compile compiles when given the .onnx file.
//
//===----------------------------------------------------------------------===//

#include "loom/dialect/LoomDialect.h"
#include "loom/import/OnnxImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;

static cl::OptionCategory category("loom-import options");

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.onnx>"),
                                      cl::cat(category));
static cl::opt<std::string> outputFile("o", cl::desc("Output file"),
                                       cl::value_desc("file"), cl::init("-"),
                                       cl::cat(category));
static cl::list<std::string> inputShapes(
    "input-shape",
    cl::desc("Shape of a graph input, replacing its declared (dynamic) "
             "shape: NAME:2x3x4 (NAME: for a scalar). Repeatable"),
    cl::value_desc("name:dims"), cl::cat(category));
static cl::opt<bool> listOps("list-ops",
                             cl::desc("Print the supported ONNX operators"),
                             cl::cat(category));

static int fail(const Twine &message) {
  WithColor::error(errs(), "loom-import") << message << "\n";
  return 1;
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  // --mlir-print-debuginfo shows each op's ONNX node location.
  mlir::registerAsmPrinterCLOptions();
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv,
                              "Loom ONNX importer: prints the loom dialect "
                              "function an .onnx model imports as\n");
  if (listOps) {
    for (const std::string &op : loom::supportedOnnxOperators())
      outs() << op << "\n";
    return 0;
  }
  if (inputFile.empty())
    return fail("no input file (usage: loom-import MODEL.onnx)");

  loom::OnnxImportOptions options;
  for (const std::string &s : inputShapes) {
    std::string error;
    if (!loom::parseInputShapeOption(s, options.inputShapes, error))
      return fail(error);
  }

  mlir::MLIRContext context;
  context.loadDialect<loom::LoomDialect, mlir::func::FuncDialect>();
  context.printOpOnDiagnostic(false);
  SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler handler(sourceMgr, &context, errs());
  mlir::OwningOpRef<mlir::ModuleOp> module =
      loom::importOnnxFile(inputFile, context, options);
  if (!module)
    return 1;

  std::string error;
  auto out = mlir::openOutputFile(outputFile, &error);
  if (!out)
    return fail(error);
  module->print(out->os(), mlir::OpPrintingFlags());
  out->keep();
  return 0;
}
