#!/usr/bin/env python3
"""Generates the ONNX import fixtures in test/fixtures/onnx/ (run from the repository root).

Needs Debian's python3-onnx (1.12) and python3-torch (1.13): `apt-get install python3-onnx python3-torch`,
then `/usr/bin/python3 scripts/make-onnx-fixtures.py`. The tests need no Python: they read the
committed files and compare recur's loadOnnx with onnxruntime-node (and with PyTorch's own outputs
for the torch.onnx.export cases).

Each case is NAME.onnx plus NAME.json:
  {"name", "source": "onnx.helper" | "torch.onnx.export", "description",
   "inputs":  {input name: {"dtype": "float32"|"float64"|"int32"|"int64", "shape", "data"}},
   "ort_model": file onnxruntime should run instead (only for layout=1 models, which onnxruntime's
                CPU kernels refuse: an equivalent layout=0 twin with Transposes around the node),
   "expected": {output name: {"shape", "data"}} (PyTorch's outputs, torch cases only)}
Float data (float64 inputs too) are float32 values written exactly as decimals.
"""
import io
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join('test', 'fixtures', 'onnx')
GATES = {'RNN': 1, 'LSTM': 4, 'GRU': 3}


def jt(a, dtype=None):
    a = np.asarray(a)
    dtype = dtype or {np.float32: 'float32', np.float64: 'float64', np.int32: 'int32', np.int64: 'int64'}[a.dtype.type]
    data = [float(v) for v in a.astype(np.float32).ravel()] if dtype.startswith('float') else [int(v) for v in a.ravel()]
    return {'dtype': dtype, 'shape': list(a.shape), 'data': data}


def save(name, model, inputs, description, source, expected=None, twin=None):
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(OUT, name + '.onnx'))
    case = {'name': name, 'source': source, 'description': description,
            'inputs': {k: jt(v) for k, v in inputs.items()}}
    if twin is not None:
        onnx.checker.check_model(twin)
        onnx.save(twin, os.path.join(OUT, name + '.ort.onnx'))
        case['ort_model'] = name + '.ort.onnx'
    if expected is not None:
        case['expected'] = {k: {'shape': list(v.shape), 'data': [float(x) for x in v.astype(np.float32).ravel()]}
                            for k, v in expected.items()}
    with open(os.path.join(OUT, name + '.json'), 'w') as f:
        json.dump(case, f, separators=(',', ':'))
        f.write('\n')


def vinfo(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def rnn_case(rng, op, direction, layout, bias=True, states=False, lengths=False, relu=False, outputs=('Y', 'Y_h', 'Y_c')):
    """One ONNX RNN/LSTM/GRU node built with onnx.helper; returns (model, twin or None, inputs)."""
    I, H, T, B = 3, 4, 5, 3
    D = 2 if direction == 'bidirectional' else 1
    G = GATES[op] * H
    s = 1 / np.sqrt(H)
    W = rng.uniform(-s, s, (D, G, I)).astype(np.float32)
    R = rng.uniform(-s, s, (D, G, H)).astype(np.float32)
    Bias = rng.uniform(-s, s, (D, 2 * G)).astype(np.float32)
    inits = [numpy_helper.from_array(W, 'W'), numpy_helper.from_array(R, 'R')]
    if bias:
        inits.append(numpy_helper.from_array(Bias, 'B'))
    x = rng.uniform(-1, 1, (B, T, I) if layout else (T, B, I)).astype(np.float32)
    feeds = {'X': x}
    node_in = ['X', 'W', 'R', 'B' if bias else '', 'seq_lens' if lengths else '']
    graph_in = [vinfo('X', TensorProto.FLOAT, ['batch', 'seq', I] if layout else ['seq', 'batch', I])]
    state_shape = ['batch', D, H] if layout else [D, 'batch', H]
    if lengths:
        feeds['seq_lens'] = np.array([5, 2, 4], dtype=np.int32)
        graph_in.append(vinfo('seq_lens', TensorProto.INT32, ['batch']))
    names = ['initial_h'] + (['initial_c'] if op == 'LSTM' else [])
    for n in names:
        node_in.append(n if states else '')
        if states:
            feeds[n] = rng.uniform(-0.5, 0.5, (B, D, H) if layout else (D, B, H)).astype(np.float32)
            graph_in.append(vinfo(n, TensorProto.FLOAT, state_shape))
    outs = [o for o in outputs if op == 'LSTM' or o != 'Y_c']
    node_out = list(outs)
    y_shape = ['batch', 'seq', D, H] if layout else ['seq', D, 'batch', H]
    graph_out = [vinfo(o, TensorProto.FLOAT, y_shape if o == 'Y' else state_shape) for o in outs if o]
    attrs = {'hidden_size': H, 'direction': direction}
    if layout:
        attrs['layout'] = 1
    if op == 'GRU':
        attrs['linear_before_reset'] = 1
    if relu:
        attrs['activations'] = ['Relu'] * D
    node = helper.make_node(op, node_in, node_out, name=f'{op.lower()}_node', **attrs)
    model = helper.make_model(helper.make_graph([node], 'g', graph_in, graph_out, inits),
                              opset_imports=[helper.make_opsetid('', 14)], producer_name='onnx.helper')
    model.ir_version = 8
    twin = None
    if layout:
        # Same maths at layout 0, which onnxruntime runs: transpose in and out of the node.
        t_nodes, t_in = [helper.make_node('Transpose', ['X'], ['X_t'], perm=[1, 0, 2])], ['X_t'] + node_in[1:5]
        for n in names:
            if states:
                t_nodes.append(helper.make_node('Transpose', [n], [n + '_t'], perm=[1, 0, 2]))
            t_in.append(n + '_t' if states else '')
        t_out = [o + '_t' if o else '' for o in outs]
        del attrs['layout']
        t_nodes.append(helper.make_node(op, t_in, t_out, **attrs))
        for o in outs:
            if o:
                t_nodes.append(helper.make_node('Transpose', [o + '_t'], [o], perm=[2, 0, 1, 3] if o == 'Y' else [1, 0, 2]))
        twin = helper.make_model(helper.make_graph(t_nodes, 'twin', graph_in, graph_out, inits),
                                 opset_imports=[helper.make_opsetid('', 14)], producer_name='onnx.helper')
        twin.ir_version = 8
    return model, twin, feeds


def helper_cases(rng):
    for op in ['RNN', 'LSTM', 'GRU']:
        for relu in ([False, True] if op == 'RNN' else [False]):
            tag = op.lower() + ('_relu' if relu else '')
            variants = [
                ('fwd', 'forward', 0, dict()),
                ('rev_states_lens', 'reverse', 0, dict(states=True, lengths=True)),
                ('bi_nobias_states_lens', 'bidirectional', 0, dict(bias=False, states=True, lengths=True)),
                ('bi_layout1_states_lens', 'bidirectional', 1, dict(states=True, lengths=True)),
                ('fwd_layout1_hOnly', 'forward', 1, dict(outputs=('', 'Y_h', 'Y_c'))),
                ('rev_layout1', 'reverse', 1, dict(states=True)),
            ]
            for vname, direction, layout, kw in variants:
                model, twin, feeds = rnn_case(rng, op, direction, layout, relu=relu, **kw)
                save(f'helper_{tag}_{vname}', model, feeds, f'{op} {direction} layout={layout} {kw}', 'onnx.helper', twin=twin)


def helper_head_cases(rng):
    """Recurrent nodes with the usual ops around them (embedding, heads, reshapes), two opsets."""
    V, E, H, T, B = 7, 3, 4, 5, 2
    s = 1 / np.sqrt(H)
    init = lambda name, a: numpy_helper.from_array(np.asarray(a), name)
    # opset 14: ids -> Gather -> LSTM -> Squeeze(axes input) -> Reshape -> Gemm -> Reshape -> LogSoftmax, Softmax
    inits = [init('emb', rng.uniform(-1, 1, (V, E)).astype(np.float32)),
             init('W', rng.uniform(-s, s, (1, 4 * H, E)).astype(np.float32)),
             init('R', rng.uniform(-s, s, (1, 4 * H, H)).astype(np.float32)),
             init('B', rng.uniform(-s, s, (1, 8 * H)).astype(np.float32)),
             # float_data / int64_data fields instead of raw_data, as some exporters write them
             helper.make_tensor('fc_w', TensorProto.FLOAT, (V, H), rng.uniform(-s, s, (V, H)).astype(np.float32).ravel().tolist(), raw=False),
             init('fc_b', rng.uniform(-s, s, (V,)).astype(np.float32)),
             init('axis1', np.array([1], dtype=np.int64)),
             helper.make_tensor('flat', TensorProto.INT64, (2,), [-1, H], raw=False),
             init('tbv', np.array([T, -1, V], dtype=np.int64))]
    nodes = [helper.make_node('Gather', ['emb', 'ids'], ['x']),
             helper.make_node('LSTM', ['x', 'W', 'R', 'B'], ['y', 'h_n', 'c_n'], hidden_size=H),
             helper.make_node('Squeeze', ['y', 'axis1'], ['y3']),
             helper.make_node('Reshape', ['y3', 'flat'], ['y2']),
             helper.make_node('Gemm', ['y2', 'fc_w', 'fc_b'], ['logits2'], transB=1, alpha=1.0, beta=1.0),
             helper.make_node('Reshape', ['logits2', 'tbv'], ['logits']),
             helper.make_node('LogSoftmax', ['logits'], ['log_probs'], axis=-1),
             helper.make_node('Softmax', ['logits'], ['probs'], axis=2)]
    g = helper.make_graph(nodes, 'lm', [vinfo('ids', TensorProto.INT64, [T, 'batch'])],
                          [vinfo('log_probs', TensorProto.FLOAT, [T, 'batch', V]), vinfo('probs', TensorProto.FLOAT, [T, 'batch', V]),
                           vinfo('h_n', TensorProto.FLOAT, [1, 'batch', H]), vinfo('c_n', TensorProto.FLOAT, [1, 'batch', H])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid('', 14)], producer_name='onnx.helper')
    m.ir_version = 8
    save('helper_head_lstm_lm_opset14', m, {'ids': rng.integers(0, V, (T, B)).astype(np.int64)},
         'Gather -> LSTM -> Squeeze -> Reshape -> Gemm -> Reshape -> LogSoftmax/Softmax', 'onnx.helper')
    # opset 11: attribute-form Squeeze/Unsqueeze, Slice, Concat, Transpose, MatMul, Add/Sub/Mul, Cast, Identity, old Softmax
    inits = [init('W', rng.uniform(-s, s, (2, 3 * H, E)).astype(np.float32)),
             init('R', rng.uniform(-s, s, (2, 3 * H, H)).astype(np.float32)),
             init('B', rng.uniform(-s, s, (2, 6 * H)).astype(np.float32)),
             init('proj', rng.uniform(-s, s, (2 * H, V)).astype(np.float32)),
             init('shift', rng.uniform(-1, 1, (V,)).astype(np.float32)),
             init('scale', np.array(0.5, dtype=np.float32)),
             init('starts', np.array([1], dtype=np.int64)), init('ends', np.array([9223372036854775807], dtype=np.int64)),
             init('axes0', np.array([0], dtype=np.int64))]
    nodes = [helper.make_node('Cast', ['x64'], ['x'], to=TensorProto.FLOAT),
             helper.make_node('GRU', ['x', 'W', 'R', 'B'], ['y', 'h_n'], hidden_size=H, direction='bidirectional', linear_before_reset=1),
             helper.make_node('Transpose', ['y'], ['yt'], perm=[0, 2, 1, 3]),
             helper.make_node('Slice', ['yt', 'starts', 'ends', 'axes0'], ['ys']),
             helper.make_node('Unsqueeze', ['h_n'], ['h_u'], axes=[0]),
             helper.make_node('Squeeze', ['h_u'], ['h_sq'], axes=[0]),
             helper.make_node('Concat', ['ys', 'yt'], ['yc'], axis=0),
             helper.make_node('Reshape', ['yc', 'rs'], ['y2']),
             helper.make_node('MatMul', ['y2', 'proj'], ['z']),
             helper.make_node('Add', ['z', 'shift'], ['z1']),
             helper.make_node('Mul', ['z1', 'scale'], ['z2']),
             helper.make_node('Sub', ['z2', 'shift'], ['z3']),
             helper.make_node('Softmax', ['z3'], ['out'], axis=1),
             helper.make_node('Identity', ['h_sq'], ['state']),
             helper.make_node('Softmax', ['yc'], ['probs_old'], axis=2)]  # opset 11: over the flattened axes 2 and 3
    inits.append(init('rs', np.array([-1, 2 * H], dtype=np.int64)))
    g = helper.make_graph(nodes, 'head11', [vinfo('x64', TensorProto.DOUBLE, [T, B, E])],
                          [vinfo('out', TensorProto.FLOAT, [(2 * T - 1) * B, V]), vinfo('state', TensorProto.FLOAT, [2, B, H]),
                           vinfo('probs_old', TensorProto.FLOAT, [2 * T - 1, B, 2, H])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid('', 11)], producer_name='onnx.helper')
    m.ir_version = 7
    save('helper_head_gru_opset11', m, {'x64': rng.uniform(-1, 1, (T, B, E)).astype(np.float32).astype(np.float64)},
         'Cast(double->float) -> GRU bi -> Transpose -> Slice/Concat -> Reshape -> MatMul -> Add/Mul/Sub -> Softmax (opset 11); Unsqueeze/Squeeze with axes attributes', 'onnx.helper')


def torch_cases():
    import torch
    torch.manual_seed(0)

    class LM(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = torch.nn.Embedding(7, 3)
            self.rnn = torch.nn.LSTM(3, 4, batch_first=True)
            self.fc = torch.nn.Linear(4, 7)

        def forward(self, ids, h0, c0):
            y, (h, c) = self.rnn(self.emb(ids), (h0, c0))
            return torch.log_softmax(self.fc(y), dim=-1), h, c

    T, B, I, H = 5, 2, 3, 4
    x = lambda bf: torch.rand(B, T, I) * 2 - 1 if bf else torch.rand(T, B, I) * 2 - 1
    st = lambda n: torch.rand(n, B, H) - 0.5
    cases = [
        ('rnn_tanh_h0', torch.nn.RNN(I, H), False, 1, True),
        ('rnn_relu_bi', torch.nn.RNN(I, H, nonlinearity='relu', bidirectional=True), False, 2, False),
        ('lstm_L1', torch.nn.LSTM(I, H), False, 1, False),
        ('lstm_L2_bi_bf_h0', torch.nn.LSTM(I, H, num_layers=2, bidirectional=True, batch_first=True), True, 4, True),
        ('lstm_nobias_h0', torch.nn.LSTM(I, H, bias=False), False, 1, True),
        ('gru_L2_h0', torch.nn.GRU(I, H, num_layers=2), False, 2, True),
        ('gru_bi_bf', torch.nn.GRU(I, H, bidirectional=True, batch_first=True), True, 2, False),
    ]
    for name, m, bf, n, with_h0 in cases:
        m.eval()
        lstm = isinstance(m, torch.nn.LSTM)
        inp = x(bf)
        args, names, feeds = (inp,), ['input'], {'input': inp}
        if with_h0:
            h0 = st(n)
            feeds['h0'] = h0
            if lstm:
                c0 = st(n)
                feeds['c0'] = c0
                args, names = (inp, (h0, c0)), ['input', 'h0', 'c0']
            else:
                args, names = (inp, h0), ['input', 'h0']
        outs = ['output', 'h_n'] + (['c_n'] if lstm else [])
        dyn = {'input': {0: 'batch', 1: 'seq'} if bf else {0: 'seq', 1: 'batch'}}
        for k in names[1:]:
            dyn[k] = {1: 'batch'}
        with torch.no_grad():
            res = m(*args)
        flat = [res[0], res[1][0], res[1][1]] if lstm else [res[0], res[1]]
        f = io.BytesIO()
        torch.onnx.export(m, args, f, opset_version=14, input_names=names, output_names=outs, dynamic_axes=dyn)
        model = onnx.load_from_string(f.getvalue())
        save('torch_' + name, model, {k: v.numpy() for k, v in feeds.items()}, repr(m), 'torch.onnx.export',
             expected={k: v.numpy() for k, v in zip(outs, flat)})
    lm = LM().eval()
    ids = torch.randint(0, 7, (B, T))
    h0, c0 = st(1), st(1)
    with torch.no_grad():
        res = lm(ids, h0, c0)
    f = io.BytesIO()
    outs = ['log_probs', 'h_n', 'c_n']
    torch.onnx.export(lm, (ids, h0, c0), f, opset_version=14, input_names=['ids', 'h0', 'c0'], output_names=outs,
                      dynamic_axes={'ids': {0: 'batch', 1: 'seq'}, 'h0': {1: 'batch'}, 'c0': {1: 'batch'}})
    save('torch_char_lm', onnx.load_from_string(f.getvalue()), {'ids': ids.numpy(), 'h0': h0.numpy(), 'c0': c0.numpy()},
         'Embedding(7,3) -> LSTM(3,4,batch_first) -> Linear(4,7) -> log_softmax', 'torch.onnx.export',
         expected={k: v.numpy() for k, v in zip(outs, res)})


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith('.onnx') or f.endswith('.json'):
            os.remove(os.path.join(OUT, f))
    rng = np.random.default_rng(20240601)
    helper_cases(rng)
    helper_head_cases(rng)
    torch_cases()
    print('wrote', len([f for f in os.listdir(OUT) if f.endswith('.json')]), 'cases to', OUT, file=sys.stderr)


if __name__ == '__main__':
    main()
