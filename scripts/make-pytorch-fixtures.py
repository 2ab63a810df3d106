#!/usr/bin/env python3
"""Generates the whole-model PyTorch fixtures in test/fixtures/pytorch-models/ (run from the repository root).

Needs Debian's python3-torch (1.13) and node (for the recur side): `/usr/bin/python3 scripts/make-pytorch-fixtures.py`.
The tests need no Python: they read the committed files.

PyTorch -> recur:
  torch-charlm.safetensors      a char-LSTM nn.Module (embedding, rnn = nn.LSTM 2 layers, fc), random weights
  torch-forecaster.safetensors  a GRU forecaster (rnn = nn.GRU batch_first, fc on the last step)
  torch-models.json             configs (recur's config names), inputs, PyTorch's logits/states/outputs and the
                                greedy continuation (argmax, state carried) from a prime
recur -> PyTorch:
  recur-charlm.safetensors, recur-forecaster.safetensors, recur-models.json
                                written by recur (test/interop/recur-fixtures.ts: seeded weights and fixed inputs)
  recur-models-expected.json    PyTorch's outputs after model.load_state_dict(strict=True) of those files

The `safetensors` package is not in Debian, so the format is read and written here with struct + json.
Floats in JSON are float32 values written exactly (Python's repr of the widened double).
"""
import json
import os
import struct
import subprocess
import sys

import numpy as np
import torch
from torch import nn

OUT = os.path.join('test', 'fixtures', 'pytorch-models')


def write_safetensors(path, tensors, metadata=None):
    """The reference layout: names ascending, compact JSON header padded with spaces to 8 bytes."""
    header = {}
    if metadata:
        header['__metadata__'] = metadata
    blobs, offset = [], 0
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name].detach().cpu().numpy().astype('<f4'))
        header[name] = {'dtype': 'F32', 'shape': list(a.shape), 'data_offsets': [offset, offset + a.nbytes]}
        blobs.append(a.tobytes())
        offset += a.nbytes
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * (-len(text) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text + b''.join(blobs))


def read_safetensors(path):
    with open(path, 'rb') as f:
        raw = f.read()
    (n,) = struct.unpack('<Q', raw[:8])
    header = json.loads(raw[8:8 + n])
    header.pop('__metadata__', None)
    out = {}
    for name, e in header.items():
        assert e['dtype'] == 'F32', (path, name, e['dtype'])
        b, end = e['data_offsets']
        out[name] = torch.from_numpy(np.frombuffer(raw[8 + n + b:8 + n + end], dtype='<f4').reshape(e['shape']).copy())
    return out


class CharLstm(nn.Module):
    """Same submodule names as recur's CharLm: embedding, rnn (time-major), fc."""

    def __init__(self, vocab, emb, hidden, layers, cell='lstm'):
        super().__init__()
        self.embedding = nn.Embedding(vocab, emb)
        self.rnn = {'lstm': nn.LSTM, 'gru': nn.GRU}[cell](emb, hidden, layers)
        self.fc = nn.Linear(hidden, vocab)

    def forward(self, ids, state=None):
        out, state = self.rnn(self.embedding(ids), state)
        return self.fc(out), state


class GruForecaster(nn.Module):
    def __init__(self, features, hidden, layers, horizon, cell='gru'):
        super().__init__()
        self.rnn = {'lstm': nn.LSTM, 'gru': nn.GRU}[cell](features, hidden, layers, batch_first=True)
        self.fc = nn.Linear(hidden, horizon)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.fc(out[:, -1])


def greedy(model, prime, n):
    """recur's CharLm.sample with temperature 0: feed the prime, then each argmax, carrying the state.
    Also returns the smallest gap between the best and second-best logit (ties would make ids fragile)."""
    ids, margin = [], float('inf')
    logits, state = model(torch.tensor(prime, dtype=torch.long).view(-1, 1))
    last = logits[-1, 0]
    for _ in range(n):
        top = torch.topk(last, 2).values
        margin = min(margin, float(top[0] - top[1]))
        nxt = int(torch.argmax(last))
        ids.append(nxt)
        logits, state = model(torch.tensor([[nxt]], dtype=torch.long), state)
        last = logits[-1, 0]
    return ids, margin


def flat(t):
    return [float(v) for v in t.detach().numpy().astype(np.float32).ravel()]


def charlm_outputs(model, ids, T, B, prime, n):
    logits, (h, c) = model(torch.tensor(ids, dtype=torch.long).view(T, B))
    sample, margin = greedy(model, prime, n)
    assert margin > 1e-4, f'greedy sample has a near tie ({margin}); pick another seed'
    return {'logits': {'shape': list(logits.shape), 'data': flat(logits)}, 'h_n': flat(h), 'c_n': flat(c),
            'greedy': sample, 'greedy_min_margin': margin}


def torch_to_recur():
    torch.manual_seed(2)
    cfg = {'cell': 'lstm', 'hiddenSize': 16, 'numLayers': 2, 'dropout': 0, 'vocabSize': 20, 'embeddingDim': 10}
    lm = CharLstm(20, 10, 16, 2).eval()
    # Wider than PyTorch's default init, so the greedy continuation is not one repeated character.
    with torch.no_grad():
        for p in [*lm.rnn.parameters(), *lm.fc.parameters()]:
            p.uniform_(-2.0, 2.0)
    write_safetensors(os.path.join(OUT, 'torch-charlm.safetensors'), lm.state_dict(), {'format': 'pt'})
    T, B = 12, 3
    ids = torch.randint(0, 20, (T, B)).view(-1).tolist()
    prime = [2, 7, 1, 8]
    fcfg = {'cell': 'gru', 'hiddenSize': 10, 'numLayers': 2, 'dropout': 0, 'inputSize': 3, 'horizon': 4}
    fc = GruForecaster(3, 10, 2, 4).eval()
    write_safetensors(os.path.join(OUT, 'torch-forecaster.safetensors'), fc.state_dict(), {'format': 'pt'})
    windows = torch.randn(5, 10, 3)
    with torch.no_grad():
        case = {
            'torch': torch.__version__,
            'charlm': {'config': cfg, 'ids': ids, 'T': T, 'B': B, 'prime': prime, 'sampleLength': 40,
                       **charlm_outputs(lm, ids, T, B, prime, 40)},
            'forecaster': {'config': fcfg, 'windows': {'shape': list(windows.shape), 'data': flat(windows)},
                           'output': {'shape': [5, 4], 'data': flat(fc(windows))}},
        }
    with open(os.path.join(OUT, 'torch-models.json'), 'w') as f:
        json.dump(case, f, indent=1)
        f.write('\n')


def recur_to_torch():
    subprocess.run(['node', '--import', 'tsx', 'test/interop/recur-fixtures.ts', OUT], check=True)
    with open(os.path.join(OUT, 'recur-models.json')) as f:
        spec = json.load(f)
    c, fc_spec, inp = spec['charlm']['config'], spec['forecaster']['config'], spec['inputs']
    lm = CharLstm(c['vocabSize'], c['embeddingDim'], c['hiddenSize'], c['numLayers'], c['cell']).eval()
    lm.load_state_dict(read_safetensors(os.path.join(OUT, 'recur-charlm.safetensors')), strict=True)
    fc = GruForecaster(fc_spec['inputSize'], fc_spec['hiddenSize'], fc_spec['numLayers'], fc_spec['horizon'], fc_spec['cell']).eval()
    fc.load_state_dict(read_safetensors(os.path.join(OUT, 'recur-forecaster.safetensors')), strict=True)
    windows = torch.tensor(inp['windows'], dtype=torch.float32).view(*inp['windowShape'])
    with torch.no_grad():
        expected = {
            'torch': torch.__version__,
            'charlm': charlm_outputs(lm, inp['ids'], inp['T'], inp['B'], inp['prime'], inp['sampleLength']),
            'forecaster': {'output': {'shape': list(windows.shape[:1]) + [fc_spec['horizon']], 'data': flat(fc(windows))}},
        }
    with open(os.path.join(OUT, 'recur-models-expected.json'), 'w') as f:
        json.dump(expected, f, indent=1)
        f.write('\n')


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    torch_to_recur()
    recur_to_torch()
    print(f'wrote {sorted(os.listdir(OUT))}', file=sys.stderr)


if __name__ == '__main__':
    main()
