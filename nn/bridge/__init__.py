"""The bridge to PyTorch: models in ``.safetensors`` files, and models moved to and from PyTorch.

    model.save("m.safetensors")        PyTorch's format and key names, the architecture inside
    nn.load_model("m.safetensors")     the model back, without code
    nn.to_torch(model)                 an equivalent torch.nn.Module, weights copied
    nn.to_torch_code(model)            readable PyTorch source that loads m.safetensors
    nn.from_torch(module)              a chainrule model from a PyTorch one
    nn.export_onnx(model, "m.onnx")    ONNX (see ``nn.onnx_export``)

One architecture description (``architecture.describe``) and one layer table (``table.KINDS``)
serve every direction; PyTorch is imported only when a function that needs it runs.
"""

from .architecture import UnsupportedLayer, build, describe
from .files import load_model, to_safetensors
from .torch_side import from_torch, to_torch, to_torch_code

__all__ = [
    "UnsupportedLayer",
    "build",
    "describe",
    "from_torch",
    "load_model",
    "to_safetensors",
    "to_torch",
    "to_torch_code",
]
