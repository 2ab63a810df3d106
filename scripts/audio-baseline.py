#!/usr/bin/env python3
"""Speaker-independent spoken digits in PyTorch: the reference for `recur train --task audio`.

Trains a bidirectional GRU on log-mel bands of four Free Spoken Digit Dataset speakers
(data/spoken_digits, CC BY-SA 4.0) and tests on the fifth, for every choice of the fifth (or
the speakers named). The plain recipe (no flags) is the issue's baseline: 2x64 BiGRU, 40 log-mel
bands (torchaudio MelSpectrogram at 8 kHz, 25 ms / 10 ms, ln(x + 1e-6)), per-band normalisation
fitted on the training clips, packed sequences, final states, Adam 1e-3, batch 32.

Options screen what helps a voice the model never heard (speed perturbation, per-recording or
per-speaker mean/variance normalisation, SpecAugment, mean pooling, ensembles, test-time speed
averaging); --inner runs nested
leave-one-speaker-out validation among the four training speakers, so a recipe can be chosen
without looking at the held-out speaker.

    /usr/bin/python3 scripts/audio-baseline.py --speakers lucas --epochs 20
    /usr/bin/python3 scripts/audio-baseline.py --speed 0.9,1.0,1.1 --cmvn --pooling mean
    /usr/bin/python3 scripts/audio-baseline.py --rms 0.05 --log-offset 0.01 --speed 0.9,1.0,1.1 --speaker-norm meanvar
"""
import argparse
import glob
import os
import re
import time
from fractions import Fraction

import torch
import torch.nn as nn
import torchaudio

SPEAKERS = ['george', 'jackson', 'lucas', 'nicolas', 'theo']
RATE = 8000


def parse():
    p = argparse.ArgumentParser()
    p.add_argument('--data', default='data/spoken_digits')
    p.add_argument('--speakers', default=','.join(SPEAKERS), help='held-out speakers to run')
    p.add_argument('--official', action='store_true', help='the official split instead (recordings 0-4 as test)')
    p.add_argument('--inner', action='store_true', help='nested: hold out each of the 4 training speakers in turn, report val only')
    p.add_argument('--epochs', type=int, default=20)
    p.add_argument('--time', type=float, default=0, help='seconds of training per run (0: epochs only)')
    p.add_argument('--hidden', type=int, default=64)
    p.add_argument('--layers', type=int, default=2)
    p.add_argument('--dropout', type=float, default=0.0)
    p.add_argument('--lr', type=float, default=1e-3)
    p.add_argument('--wd', type=float, default=0.0)
    p.add_argument('--batch', type=int, default=32)
    p.add_argument('--n-mels', type=int, default=40)
    p.add_argument('--f-max', type=float, default=4000, help='top of the mel filterbank (Hz)')
    p.add_argument('--log-offset', type=float, default=1e-6)
    p.add_argument('--cmvn', action='store_true', help='subtract each band mean over the recording, divide by its std')
    p.add_argument('--cmn', action='store_true', help='subtract each band mean over the recording only')
    p.add_argument('--std-floor', type=float, default=0.5)
    p.add_argument('--speaker-norm', default='', choices=['', 'mean', 'meanvar'], help="normalise each band by its statistics over all of a speaker's recordings (Kaldi's per-speaker CMVN; the test speaker's from its own unlabelled recordings)")
    p.add_argument('--rms', type=float, default=0.0, help='scale each recording to this RMS first (0: off)')
    p.add_argument('--speed', default='1.0', help='speed perturbation factors of the training clips (Ko et al. 2015)')
    p.add_argument('--trim', type=float, default=0, help='keep the frames from the first to the last within this many dB of the peak frame (0: off)')
    p.add_argument('--mfcc', type=int, default=0, help='this many MFCCs (DCT of the log-mel bands) instead of the bands')
    p.add_argument('--deltas', action='store_true', help='append first differences of the features')
    p.add_argument('--tta', default='', help='test-time augmentation: the log-probabilities averaged over these speed factors, e.g. 0.9,1.0,1.1')
    p.add_argument('--specaug', action='store_true')
    p.add_argument('--pooling', default='last', choices=['last', 'mean'])
    p.add_argument('--smooth', type=float, default=0.0, help='label smoothing')
    p.add_argument('--ensemble', type=int, default=1, help='models trained with different seeds, logits averaged')
    p.add_argument('--seed', type=int, default=0)
    return p.parse_args()


def load(data):
    clips = []
    for path in sorted(glob.glob(os.path.join(data, '*.wav'))):
        m = re.match(r'^(\d)_([a-z]+)_(\d+)\.wav$', os.path.basename(path))
        wav, sr = torchaudio.load(path)
        assert sr == RATE, path
        clips.append({'digit': int(m.group(1)), 'speaker': m.group(2), 'index': int(m.group(3)), 'wav': wav.mean(0)})
    return clips


def features(wav, a, mel):
    x = wav - wav.mean()
    if a.rms > 0:
        x = x * (a.rms / x.pow(2).mean().sqrt().clamp_min(1e-8))
    m = mel(x)
    if a.trim:
        energy = 10 * torch.log10(m.sum(0) + 1e-10)
        keep = (energy > energy.max() - a.trim).nonzero().flatten()
        m = m[:, max(0, int(keep[0]) - 2):int(keep[-1]) + 3]
    f = torch.log(m + a.log_offset).T  # [frames, bands]
    if a.mfcc:
        f = f @ torchaudio.functional.create_dct(a.mfcc, f.shape[1], 'ortho')
    if a.cmvn or a.cmn:
        f = f - f.mean(0, keepdim=True)
    if a.cmvn:
        f = f / (f.var(0, unbiased=False, keepdim=True) + a.std_floor ** 2).sqrt()
    if a.deltas:
        f = torch.cat([f, torch.diff(f, dim=0, prepend=f[:1])], 1)
    return f


def speaker_norm(fs, clips, kind):
    """Each feature matrix less its speaker's band means over all that speaker's frames (and divided by the std)."""
    out = list(fs)
    for s in sorted({c['speaker'] for c in clips}):
        idx = [i for i, c in enumerate(clips) if c['speaker'] == s]
        cat = torch.cat([fs[i] for i in idx])
        mu = cat.mean(0)
        sd = cat.std(0).clamp_min(1e-3) if kind == 'meanvar' else 1.0
        for i in idx:
            out[i] = (fs[i] - mu) / sd
    return out


def speed(wav, factor):
    """The clip played `factor` times faster (tempo and pitch), as Kaldi's speed perturbation: resampled to RATE / factor."""
    if factor == 1.0:
        return wav
    # The factor as a small fraction p/q: resampling p -> q samples keeps the sinc kernel table small.
    f = Fraction(factor).limit_denominator(20)
    return torchaudio.functional.resample(wav, f.numerator, f.denominator)


class Net(nn.Module):
    def __init__(self, a, n_in):
        super().__init__()
        self.pooling = a.pooling
        self.gru = nn.GRU(n_in, a.hidden, a.layers, bidirectional=True, dropout=a.dropout if a.layers > 1 else 0)
        self.head = nn.Linear(2 * a.hidden, 10)

    def forward(self, x, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, enforce_sorted=False)
        out, h = self.gru(packed)
        if self.pooling == 'mean':
            y, _ = nn.utils.rnn.pad_packed_sequence(out)
            z = y.sum(0) / lengths.unsqueeze(1).to(y.dtype)
        else:
            z = torch.cat([h[-2], h[-1]], 1)
        return self.head(z)


def spec_augment(f, g):
    f = f.clone()
    T, F = f.shape
    for _ in range(2):
        w = int(torch.randint(0, 9, (1,), generator=g))
        b = int(torch.randint(0, max(1, F - w), (1,), generator=g))
        f[:, b:b + w] = 0
    for _ in range(2):
        w = min(int(torch.randint(0, 11, (1,), generator=g)), T // 5)
        t = int(torch.randint(0, max(1, T - w), (1,), generator=g))
        f[t:t + w, :] = 0
    return f


def batch(fs):
    lengths = torch.tensor([f.shape[0] for f in fs])
    return nn.utils.rnn.pad_sequence(fs), lengths


def logits_of(models, fs):
    with torch.no_grad():
        out = 0
        for m in models:
            m.eval()
            parts = [m(*batch(fs[i:i + 256])) for i in range(0, len(fs), 256)]
            out = out + torch.log_softmax(torch.cat(parts), 1)
        return out / len(models)


def run(a, clips, train_sel, test_sel, mel, label):
    factors = [float(s) for s in a.speed.split(',')]
    train = [c for c in clips if train_sel(c)]
    test = [c for c in clips if test_sel(c)]
    # Training features of every speed factor; the normaliser is fitted on the unperturbed ones.
    train_f = {k: [features(speed(c['wav'], k), a, mel) for c in train] for k in factors}
    if a.speaker_norm:
        train_f = {k: speaker_norm(v, train, a.speaker_norm) for k, v in train_f.items()}
    base = train_f[1.0] if 1.0 in train_f else train_f[factors[0]]
    cat = torch.cat(base)
    mu, sd = cat.mean(0), cat.std(0).clamp_min(1e-5)
    norm = lambda f: (f - mu) / sd
    train_f = {k: [norm(f) for f in v] for k, v in train_f.items()}
    def test_features(k):
        raw = [features(speed(c['wav'], k), a, mel) for c in test]
        if a.speaker_norm:
            raw = speaker_norm(raw, test, a.speaker_norm)
        return [norm(f) for f in raw]
    test_f = test_features(1.0)
    tta = [test_features(float(k)) for k in a.tta.split(',')] if a.tta else []
    y = torch.tensor([c['digit'] for c in train])
    yt = torch.tensor([c['digit'] for c in test])
    models = []
    t0 = time.time()
    budget = a.time / a.ensemble if a.time else 0
    for e in range(a.ensemble):
        torch.manual_seed(a.seed * 100 + e)
        g = torch.Generator().manual_seed(a.seed * 100 + e)
        model = Net(a, train_f[factors[0]][0].shape[1])
        opt = torch.optim.Adam(model.parameters(), lr=a.lr, weight_decay=a.wd)
        lossf = nn.CrossEntropyLoss(label_smoothing=a.smooth)
        start = time.time()
        accs = []
        for epoch in range(a.epochs):
            model.train()
            perm = torch.randperm(len(train), generator=g)
            for i in range(0, len(perm), a.batch):
                idx = perm[i:i + a.batch].tolist()
                ks = torch.randint(0, len(factors), (len(idx),), generator=g).tolist()
                fs = [train_f[factors[k]][j] for j, k in zip(idx, ks)]
                if a.specaug:
                    fs = [spec_augment(f, g) for f in fs]
                loss = lossf(model(*batch(fs)), y[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
            acc = (logits_of([model], test_f).argmax(1) == yt).float().mean().item()
            accs.append(acc)
            if budget and time.time() - start > budget:
                break
        models.append(model)
        print(f'  {label} member {e}: epochs {len(accs)}, test acc by epoch ' + ' '.join(f'{v:.3f}' for v in accs), flush=True)
    acc = (logits_of(models, test_f).argmax(1) == yt).float().mean().item()
    if tta:
        acc_tta = (sum(logits_of(models, f) for f in tta).argmax(1) == yt).float().mean().item()
        print(f'{label}: without TTA {acc:.3f}, with TTA over {a.tta}: {acc_tta:.3f}', flush=True)
        acc = acc_tta
    print(f'{label}: {acc:.3f} ({time.time() - t0:.0f} s)', flush=True)
    return acc


def main():
    a = parse()
    torch.set_num_threads(1)
    mel = torchaudio.transforms.MelSpectrogram(sample_rate=RATE, n_fft=256, win_length=200, hop_length=80, n_mels=a.n_mels, f_max=a.f_max)
    clips = load(a.data)
    print(vars(a), flush=True)
    if a.official:
        run(a, clips, lambda c: c['index'] >= 5, lambda c: c['index'] < 5, mel, 'official')
        return
    results = {}
    for s in a.speakers.split(','):
        if a.inner:
            inner = [v for v in SPEAKERS if v != s]
            accs = [run(a, clips, lambda c, v=v: c['speaker'] not in (s, v), lambda c, v=v: c['speaker'] == v, mel, f'{s}/{v}') for v in inner]
            results[s] = sum(accs) / len(accs)
            print(f'outer {s}: inner mean {results[s]:.3f}', flush=True)
        else:
            results[s] = run(a, clips, lambda c: c['speaker'] != s, lambda c: c['speaker'] == s, mel, s)
    print('RESULT ' + ' '.join(f'{k} {v:.3f}' for k, v in results.items()) + f' mean {sum(results.values()) / len(results):.3f}', flush=True)


if __name__ == '__main__':
    main()
