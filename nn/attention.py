"""Multi-head attention with PyTorch's ``nn.MultiheadAttention`` state-dict keys and layouts
(``in_proj_weight`` (3E, E), ``in_proj_bias`` (3E,), ``out_proj.weight`` (E, E),
``out_proj.bias`` (E,)), batch first: inputs (N, L, E).

Each head h sees its own slice of the projections, of size d = E / num_heads:

    Q = x_q W_q^T + b_q,  K = x_k W_k^T + b_k,  V = x_v W_v^T + b_v  (W_q, W_k, W_v: in_proj rows)
    head_h = softmax(Q_h K_h^T / sqrt(d) + mask) V_h
    out = concat(head_1, ..., head_H) W_o^T + b_o

With ``is_causal=True`` position i attends to positions <= i only: what a model that predicts the
next character must respect. Used as ``mha(x, x, x)`` it is self-attention.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from chainrule.autograd import Tensor, scope

from . import functional as F
from ._rng import make_rng
from .layers import Linear
from .module import Module


class MultiheadAttention(Module):
    """``MultiheadAttention(embed_dim, num_heads)``; ``mha(q, k, v)`` returns ``(out, weights)``,
    ``weights`` (N, L, S) averaged over the heads (``average_attn_weights=False``: per head,
    (N, H, L, S)), or None with ``need_weights=False``. Inputs are (N, L, E) (``batch_first``)
    or (L, E) for one sequence. Initialisation as PyTorch's: Xavier-uniform ``in_proj_weight``,
    zero biases."""

    def __init__(self, embed_dim: int, num_heads: int = 1, bias: bool = True, *,
                 batch_first: bool = True, dtype: Any = np.float64, seed: int | None = None,
                 rng: Any = None) -> None:
        if embed_dim % num_heads:
            raise ValueError(f"MultiheadAttention: embed_dim ({embed_dim}) must divide by "
                             f"num_heads ({num_heads})")
        if not batch_first:
            raise ValueError("MultiheadAttention: only batch_first=True (inputs (N, L, E))")
        gen = make_rng(rng, seed)
        self.embed_dim, self.num_heads = embed_dim, num_heads
        bound = math.sqrt(6.0 / (embed_dim + 3 * embed_dim))
        w = gen.uniform(-bound, bound, (3 * embed_dim, embed_dim))
        self.in_proj_weight = Tensor(w.astype(dtype), requires_grad=True)
        self.in_proj_bias = (Tensor(np.zeros(3 * embed_dim, dtype), requires_grad=True)
                             if bias else None)
        self.out_proj = Linear(embed_dim, embed_dim, bias, dtype=dtype, rng=gen)
        if bias:
            self.out_proj.bias.data[...] = 0.0

    def _project(self, x: Tensor, k: int) -> Tensor:
        """Projection k (0: query, 1: key, 2: value), split into heads: (N, H, L, d)."""
        e = self.embed_dim
        y = x @ self.in_proj_weight[k * e : (k + 1) * e].T
        if self.in_proj_bias is not None:
            y = y + self.in_proj_bias[k * e : (k + 1) * e]
        n, length = y.shape[:2]
        return y.reshape(n, length, self.num_heads, e // self.num_heads).permute(0, 2, 1, 3)

    def forward(self, query: Any, key: Any = None, value: Any = None, *, attn_mask: Any = None,
                is_causal: bool = False, need_weights: bool = True,
                average_attn_weights: bool = True) -> tuple[Tensor, Tensor | None]:
        q = query if isinstance(query, Tensor) else Tensor(np.asarray(query, np.float64))
        key = q if key is None else key
        value = key if value is None else value
        single = q.ndim == 2
        if single:
            q, key, value = q.unsqueeze(0), key.unsqueeze(0), value.unsqueeze(0)
        heads_q, heads_k, heads_v = (self._project(t, i) for i, t in enumerate((q, key, value)))
        w = F.attention_weights(heads_q, heads_k, attn_mask, is_causal)  # (N, H, L, S)
        n, length = q.shape[:2]
        mixed = (w @ heads_v).permute(0, 2, 1, 3).reshape(n, length, self.embed_dim)
        out = self.out_proj(mixed)
        scope.mark(out, "multi-head attention", (query, key, value))
        weights = (w.mean(axis=1) if average_attn_weights else w) if need_weights else None
        if single:
            out = out.squeeze(0)
            weights = None if weights is None else weights.squeeze(0)
        return out, weights

    def extra_repr(self) -> str:
        return f"embed_dim={self.embed_dim}, num_heads={self.num_heads}"
