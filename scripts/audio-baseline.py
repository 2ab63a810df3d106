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

--vtlp trains on mel filterbanks warped as recur's vtlpWarp (src/data/audio/vtlp.ts); --vtln-test
picks the held-out speaker's warp without labels (unsupervised ML-VTLN) and prints every warp's
score and accuracy, the oracle and the average over all warps:

    /usr/bin/python3 scripts/audio-baseline.py --rms 0.05 --log-offset 0.01 --speed 0.9,1.0,1.1 --speaker-norm meanvar --vtln-test 0.82:1.18:0.02

--adversary LAMBDA adds speaker-adversarial training (Ganin & Lempitsky 2015; Meng et al. 2018's
speaker-invariant training): a speaker classifier Linear(2 hidden -> 64) + ReLU + Linear(-> training
speakers) reads the pooled representation the digit head reads, through a gradient reversal layer
of weight LAMBDA * (2 / (1 + exp(-10 p)) - 1), p the fraction of training steps done (Ganin's ramp).
Its cross-entropy is added to the digit loss; a speed-perturbed copy keeps its speaker's label. The
speaker head's training accuracy is printed by epoch (near chance if the reversal works):

    /usr/bin/python3 scripts/audio-baseline.py --rms 0.05 --log-offset 0.01 --speed 0.9,1.0,1.1 --speaker-norm meanvar --adversary 0.3
"""
import argparse
import glob
import math
import os
import re
import time
from fractions import Fraction

import torch
import torch.nn as nn
import torchaudio

SPEAKERS = ['george', 'jackson', 'lucas', 'nicolas', 'theo']
RATE = 8000
VTLP_BOUNDARY = 0.8


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
    p.add_argument('--vtlp', default='', help='VTLP training warps (Jaitly & Hinton 2013), e.g. 0.9,0.95,1.0,1.05,1.1: each clip drawn with one per step; each (speaker, speed, alpha) its own --speaker-norm group')
    p.add_argument('--vtln-test', default='', help='unsupervised test-time VTLN: warp grid lo:hi:step (e.g. 0.82:1.18:0.02); the held-out speaker scored at each alpha, the alpha chosen by --vtln-criterion without labels')
    p.add_argument('--vtln-criterion', default='maxlogp', choices=['maxlogp', 'entropy'], help='mean max log-probability or mean negative entropy over the recordings')
    p.add_argument('--adversary', type=float, default=0.0, help='speaker-adversarial training (Ganin & Lempitsky 2015): a speaker classifier on the pooled features behind gradient reversal of this weight, ramped from 0 (0: off)')
    p.add_argument('--threads', type=int, default=1, help='torch threads')
    return p.parse_args()


def load(data):
    clips = []
    for path in sorted(glob.glob(os.path.join(data, '*.wav'))):
        m = re.match(r'^(\d)_([a-z]+)_(\d+)\.wav$', os.path.basename(path))
        wav, sr = torchaudio.load(path)
        assert sr == RATE, path
        clips.append({'digit': int(m.group(1)), 'speaker': m.group(2), 'index': int(m.group(3)), 'wav': wav.mean(0)})
    return clips


def vtlp_warp(alpha, f_max):
    """recur's vtlpWarp (src/data/audio/vtlp.ts): f -> alpha f up to the knee, then the line to (f_max, f_max)."""
    knee = f_max * VTLP_BOUNDARY * min(alpha, 1) / alpha
    slope = (f_max - alpha * knee) / (f_max - knee)
    return lambda hz: torch.where(hz <= knee, alpha * hz, f_max - slope * (f_max - hz))


def warped_fbank(mel, alpha):
    """The filterbank [bins, n_mels] of torchaudio's MelScale with each bin read at vtlp_warp(bin Hz), as recur's melFilterbank with a warp."""
    ms = mel.mel_scale
    if alpha == 1.0:
        return ms.fb
    bins, half = ms.fb.shape[0], RATE // 2
    hz = vtlp_warp(alpha, half)(torch.arange(bins, dtype=torch.float64) * half / (bins - 1))
    to_mel = lambda f: 2595 * torch.log10(1 + f / 700)
    pts = torch.linspace(float(to_mel(torch.tensor(float(ms.f_min)))), float(to_mel(torch.tensor(float(ms.f_max)))), ms.n_mels + 2, dtype=torch.float64)
    f = 700 * (10 ** (pts / 2595) - 1)
    down = (hz[:, None] - f[None, :-2]) / (f[1:-1] - f[:-2])
    up = (f[None, 2:] - hz[:, None]) / (f[2:] - f[1:-1])
    return torch.clamp(torch.minimum(down, up), min=0).to(ms.fb.dtype)


def prepare(wav, a):
    x = wav - wav.mean()
    if a.rms > 0:
        x = x * (a.rms / x.pow(2).mean().sqrt().clamp_min(1e-8))
    return x


def features(wav, a, mel):
    return features_of_mel(mel(prepare(wav, a)), a)


def warped_features(wav, a, mel, fbs):
    """features() for each filterbank in fbs (alpha -> [bins, n_mels]), sharing one power spectrogram."""
    spec = mel.spectrogram(prepare(wav, a))
    return {al: features_of_mel((spec.T @ fb).T, a) for al, fb in fbs.items()}


def features_of_mel(m, a):
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


class GradReverse(torch.autograd.Function):
    """Identity forward; the gradient times -weight backward (Ganin & Lempitsky 2015's gradient reversal layer)."""
    @staticmethod
    def forward(ctx, x, weight):
        ctx.weight = weight
        return x.view_as(x)

    @staticmethod
    def backward(ctx, g):
        return -ctx.weight * g, None


def ganin_ramp(progress):
    """Ganin & Lempitsky's schedule 2 / (1 + exp(-10 p)) - 1: 0 at the start of training, ~1 from p = 0.5."""
    return 2 / (1 + math.exp(-10 * progress)) - 1


class Net(nn.Module):
    def __init__(self, a, n_in, n_speakers=0):
        super().__init__()
        self.pooling = a.pooling
        self.gru = nn.GRU(n_in, a.hidden, a.layers, bidirectional=True, dropout=a.dropout if a.layers > 1 else 0)
        self.head = nn.Linear(2 * a.hidden, 10)
        # Built after the GRU and digit head, so those start from the same weights as without it.
        self.speaker_head = nn.Sequential(nn.Linear(2 * a.hidden, 64), nn.ReLU(), nn.Linear(64, n_speakers)) if n_speakers else None

    def forward(self, x, lengths):
        return self.head(self.pooled(x, lengths))

    def pooled(self, x, lengths):
        """The utterance representation the digit head reads."""
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, enforce_sorted=False)
        out, h = self.gru(packed)
        if self.pooling == 'mean':
            y, _ = nn.utils.rnn.pad_packed_sequence(out)
            z = y.sum(0) / lengths.unsqueeze(1).to(y.dtype)
        else:
            z = torch.cat([h[-2], h[-1]], 1)
        return z


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
    alphas = [float(s) for s in a.vtlp.split(',')] if a.vtlp else []
    if alphas:
        # Each (speed, alpha) a list of its own, so --speaker-norm groups by (speaker, speed, alpha).
        fbs = {al: warped_fbank(mel, al) for al in alphas}
        train_f = {}
        for k in factors:
            per_clip = [warped_features(speed(c['wav'], k), a, mel, fbs) for c in train]
            for al in alphas:
                train_f[(k, al)] = [d[al] for d in per_clip]
        keys = [(k, al) for k in factors for al in alphas]
    else:
        train_f = {k: [features(speed(c['wav'], k), a, mel) for c in train] for k in factors}
        keys = factors
    if a.speaker_norm:
        train_f = {k: speaker_norm(v, train, a.speaker_norm) for k, v in train_f.items()}
    base_key = (1.0 if 1.0 in factors else factors[0], 1.0 if 1.0 in alphas else alphas[0]) if alphas else (1.0 if 1.0 in train_f else factors[0])
    base = train_f[base_key]
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
    vtln = {}
    if a.vtln_test:
        lo, hi, step = (float(v) for v in a.vtln_test.split(':'))
        grid = [round(lo + i * step, 6) for i in range(int(round((hi - lo) / step)) + 1)]
        per_clip = [warped_features(c['wav'], a, mel, {al: warped_fbank(mel, al) for al in grid}) for c in test]
        for al in grid:
            raw = [d[al] for d in per_clip]
            if a.speaker_norm:
                raw = speaker_norm(raw, test, a.speaker_norm)
            vtln[al] = [norm(f) for f in raw]
    tta = [test_features(float(k)) for k in a.tta.split(',')] if a.tta else []
    y = torch.tensor([c['digit'] for c in train])
    # A speed-perturbed (or warped) copy keeps its original speaker's label.
    train_speakers = sorted({c['speaker'] for c in train})
    y_spk = torch.tensor([train_speakers.index(c['speaker']) for c in train])
    yt = torch.tensor([c['digit'] for c in test])
    models = []
    t0 = time.time()
    budget = a.time / a.ensemble if a.time else 0
    for e in range(a.ensemble):
        torch.manual_seed(a.seed * 100 + e)
        g = torch.Generator().manual_seed(a.seed * 100 + e)
        model = Net(a, train_f[keys[0]][0].shape[1], len(train_speakers) if a.adversary else 0)
        opt = torch.optim.Adam(model.parameters(), lr=a.lr, weight_decay=a.wd)
        lossf = nn.CrossEntropyLoss(label_smoothing=a.smooth)
        start = time.time()
        accs, spk_accs = [], []
        steps_per_epoch = (len(train) + a.batch - 1) // a.batch
        step = 0
        for epoch in range(a.epochs):
            model.train()
            spk_right = 0
            perm = torch.randperm(len(train), generator=g)
            for i in range(0, len(perm), a.batch):
                idx = perm[i:i + a.batch].tolist()
                ks = torch.randint(0, len(factors), (len(idx),), generator=g).tolist()
                if alphas:
                    ws = torch.randint(0, len(alphas), (len(idx),), generator=g).tolist()
                    fs = [train_f[(factors[k], alphas[w])][j] for j, k, w in zip(idx, ks, ws)]
                else:
                    fs = [train_f[factors[k]][j] for j, k in zip(idx, ks)]
                if a.specaug:
                    fs = [spec_augment(f, g) for f in fs]
                if a.adversary:
                    z = model.pooled(*batch(fs))
                    weight = a.adversary * ganin_ramp(step / (a.epochs * steps_per_epoch))
                    spk_logits = model.speaker_head(GradReverse.apply(z, weight))
                    loss = lossf(model.head(z), y[idx]) + nn.functional.cross_entropy(spk_logits, y_spk[idx])
                    spk_right += (spk_logits.argmax(1) == y_spk[idx]).sum().item()
                else:
                    loss = lossf(model(*batch(fs)), y[idx])
                step += 1
                opt.zero_grad()
                loss.backward()
                opt.step()
            acc = (logits_of([model], test_f).argmax(1) == yt).float().mean().item()
            accs.append(acc)
            spk_accs.append(spk_right / len(train))
            if budget and time.time() - start > budget:
                break
        models.append(model)
        print(f'  {label} member {e}: epochs {len(accs)}, test acc by epoch ' + ' '.join(f'{v:.3f}' for v in accs), flush=True)
        if a.adversary:
            print(f'  {label} member {e}: speaker head train acc by epoch (chance {1 / len(train_speakers):.3f}) ' + ' '.join(f'{v:.3f}' for v in spk_accs), flush=True)
    acc = (logits_of(models, test_f).argmax(1) == yt).float().mean().item()
    if tta:
        acc_tta = (sum(logits_of(models, f) for f in tta).argmax(1) == yt).float().mean().item()
        print(f'{label}: without TTA {acc:.3f}, with TTA over {a.tta}: {acc_tta:.3f}', flush=True)
        acc = acc_tta
    if vtln:
        acc = report_vtln(a, models, vtln, yt, label, acc)
    print(f'{label}: {acc:.3f} ({time.time() - t0:.0f} s)', flush=True)
    return acc


def report_vtln(a, models, vtln, yt, label, acc1):
    """Scores every test warp without labels, prints the choice, the oracle and the all-warp average; returns the chosen warp's accuracy."""
    rows = {}
    for al, fs in vtln.items():
        lp = logits_of(models, fs)
        maxlogp = lp.max(1).values.mean().item()
        negent = (lp.exp() * lp).sum(1).mean().item()
        rows[al] = (lp, maxlogp, negent, (lp.argmax(1) == yt).float().mean().item())
    print(f'  {label} vtln: alpha maxlogp negentropy acc')
    for al, (_, ml, ne, ac) in rows.items():
        print(f'    {al:.2f} {ml:.4f} {ne:.4f} {ac:.3f}')
    pick = lambda i: max(rows, key=lambda al: rows[al][i])
    a_ml, a_ne, a_or = pick(1), pick(2), pick(3)
    avg = (sum(r[0] for r in rows.values()).argmax(1) == yt).float().mean().item()
    one = rows[1.0][3] if 1.0 in rows else acc1
    print(f'VTLN {label}: alpha1 {one:.3f} | maxlogp alpha {a_ml:.2f} acc {rows[a_ml][3]:.3f} | entropy alpha {a_ne:.2f} acc {rows[a_ne][3]:.3f} | oracle alpha {a_or:.2f} acc {rows[a_or][3]:.3f} | avg-all {avg:.3f}', flush=True)
    chosen = a_ml if a.vtln_criterion == 'maxlogp' else a_ne
    return rows[chosen][3]


def main():
    a = parse()
    torch.set_num_threads(a.threads)
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
