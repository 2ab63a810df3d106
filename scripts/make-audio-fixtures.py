#!/usr/bin/env python3
"""Generates the torchaudio reference features in test/fixtures/audio/ (run from the repository root).

Needs Debian's python3-torchaudio (0.13, with torch 1.13): `/usr/bin/python3 scripts/make-audio-fixtures.py`.
The tests need no Python: they read the committed files.

Inputs (all copied into test/fixtures/audio/):
  0_george_0.wav, 3_lucas_12.wav, 7_theo_3.wav   Free Spoken Digit Dataset (CC BY-SA 4.0, see README.md there),
                                                  copied from data/spoken_digits/
  synthetic_stereo_pcm24_22050.wav               written here: 2 channels, 24-bit PCM in WAVE_FORMAT_EXTENSIBLE,
                                                  22,050 Hz, a LIST chunk before 'fmt ' and an odd-sized chunk
  synthetic_3ch_float32_11025.wav                written here: 3 channels, 32-bit IEEE float (format 3), 11,025 Hz

Output: references.json, one entry per file, everything computed in float64 (torch default dtype set to
float64 so torch.hann_window, the mel filterbank and the DCT are float64 too):
  decoded     torchaudio.load(file) averaged over channels (synthetic files: the written samples, averaged
              in float64 then rounded to float32 as recur's decoder does): length, the first 64 samples, sum, sum of squares
  native      features at the file's own rate (25 ms window, 10 ms hop, n_fft next power of two, 40 HTK
              mel bands, norm None, center/reflect):
                logmel = log(MelSpectrogram(power=2.0)(x) + 1e-6)
                mfcc   = MFCC(n_mfcc=13, dct_type=2, norm='ortho', log_mels=True, melkwargs=the same)
  resampled   torchaudio.functional.resample(x, sr, 16000) with its defaults (lowpass_filter_width=6,
              rolloff=0.99, sinc_interpolation = Hann window): length, first 64, every 17th sample, and the
              16 kHz logmel/mfcc with 400/160/512 of that signal rounded to float32 (recur's Float32Array
              between stages; float32 rounding alone moves the log of near-empty bands above 4 kHz by ~3e-5)
  variants    (first FSDD file only) slaney mel scale + slaney norm; n_fft=400 (not a power of two) with
              win 400 / hop 160 at 8 kHz; and the power spectrogram (first 5 frames) with n_fft 256
Feature matrices are stored [frames][width] (torchaudio's [width, frames] transposed), rounded to 10
significant digits.
"""
import json
import math
import os
import shutil
import struct

import numpy as np
import torch
import torchaudio

torch.set_default_dtype(torch.float64)
OUT = os.path.join('test', 'fixtures', 'audio')
FSDD = ['0_george_0.wav', '3_lucas_12.wav', '7_theo_3.wav']


def chunk(cid, body):
    pad = b'\0' if len(body) % 2 else b''
    return cid + struct.pack('<I', len(body)) + body + pad


def riff(chunks):
    body = b'WAVE' + b''.join(chunks)
    return b'RIFF' + struct.pack('<I', len(body)) + body


def synthetic_signal(rate, seconds, channels, seed):
    """A chirp from 200 Hz to 3 kHz plus a 440 Hz tone and a little seeded noise, per channel."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(rate * seconds)) / rate
    out = []
    for c in range(channels):
        chirp = np.sin(2 * np.pi * (200 * t + (3000 - 200) / (2 * seconds) * t * t) + c)
        x = 0.4 * chirp + 0.2 * np.sin(2 * np.pi * 440 * t * (1 + 0.1 * c)) + 0.02 * rng.standard_normal(t.size)
        out.append(np.clip(x * np.hanning(t.size) ** 0.1, -0.999, 0.999))
    return np.stack(out)


def write_pcm24_extensible(path, x, rate):
    ch, n = x.shape
    ints = np.round(x.T * 8388608).astype(np.int64).clip(-8388608, 8388607).reshape(-1)
    data = bytearray()
    for v in ints:
        data += int(v & 0xFFFFFF).to_bytes(3, 'little')
    guid_pcm = struct.pack('<H', 1) + bytes([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71])
    fmt = struct.pack('<HHIIHH', 0xFFFE, ch, rate, rate * ch * 3, ch * 3, 24) + struct.pack('<HHI', 22, 24, 0x3) + guid_pcm
    info = chunk(b'LIST', b'INFOISFT' + struct.pack('<I', 9) + b'recur-fx\0' + b'\0')
    odd = chunk(b'junk', b'odd')  # 3 bytes + 1 pad byte
    with open(path, 'wb') as f:
        f.write(riff([info, chunk(b'fmt ', fmt), odd, chunk(b'data', bytes(data))]))
    return (ints.reshape(n, ch).T / 8388608.0)


def write_float32(path, x, rate):
    ch, n = x.shape
    f32 = x.T.astype('<f4')
    fmt = struct.pack('<HHIIHH', 3, ch, rate, rate * ch * 4, ch * 4, 32) + struct.pack('<H', 0)
    fact = chunk(b'fact', struct.pack('<I', n))
    with open(path, 'wb') as f:
        f.write(riff([chunk(b'fmt ', fmt), fact, chunk(b'data', f32.tobytes())]))
    return f32.T.astype(np.float64)


def r(v):
    return float('%.10g' % v)


def matrix(t):
    """torchaudio [width, frames] -> [[...] per frame]."""
    return [[r(v) for v in row] for row in t.T.tolist()]


def next_pow2(n):
    p = 1
    while p < n:
        p *= 2
    return p


def mel_kwargs(sr, win, hop, n_fft, **extra):
    kw = dict(sample_rate=sr, n_fft=n_fft, win_length=win, hop_length=hop, n_mels=40, power=2.0, center=True,
              pad_mode='reflect', norm=None, mel_scale='htk')
    kw.update(extra)
    return kw


def features(x, sr, win=None, hop=None, n_fft=None, **extra):
    win = win or round(0.025 * sr)
    hop = hop or round(0.010 * sr)
    n_fft = n_fft or next_pow2(win)
    kw = mel_kwargs(sr, win, hop, n_fft, **extra)
    mel = torchaudio.transforms.MelSpectrogram(**kw)(x)
    logmel = torch.log(mel + 1e-6)
    mkw = {k: v for k, v in kw.items() if k != 'sample_rate'}
    mfcc = torchaudio.transforms.MFCC(sample_rate=sr, n_mfcc=13, dct_type=2, norm='ortho', log_mels=True, melkwargs=mkw)(x)
    # MFCC's log_mels path is exactly DCT(log(mel + 1e-6)): check it against our reading of it.
    dct = torchaudio.functional.create_dct(13, 40, 'ortho')
    assert torch.allclose(mfcc, (logmel.T @ dct).T, atol=1e-9)
    return {'win': win, 'hop': hop, 'nFft': n_fft, 'logmel': matrix(logmel), 'mfcc': matrix(mfcc)}


def entry(name, x, sr, variants=False):
    ref = {'file': name, 'sampleRate': sr}
    ref['decoded'] = {'length': x.numel(), 'first': [r(v) for v in x[:64].tolist()], 'sum': r(x.sum().item()),
                      'sumSquares': r((x * x).sum().item())}
    ref['native'] = features(x, sr)
    y = torchaudio.functional.resample(x, sr, 16000)
    ref['resampled'] = {'rate': 16000, 'length': y.numel(), 'first': [r(v) for v in y[:64].tolist()],
                        'every17': [r(v) for v in y[::17].tolist()],
                        # recur holds audio as float32 between stages: features of the resampled signal so rounded
                        'features': features(y.float().double(), 16000, 400, 160, 512)}
    if variants:
        ref['slaney'] = features(x, sr, norm='slaney', mel_scale='slaney')
        ref['nfft400'] = features(x, sr, 400, 160, 400)
        spec = torchaudio.transforms.Spectrogram(n_fft=256, win_length=200, hop_length=80, power=2.0)(x)
        ref['power'] = {'nFft': 256, 'win': 200, 'hop': 80, 'frames': spec.shape[1], 'first5': matrix(spec[:, :5])}
    return ref


def load_mono(path):
    w, sr = torchaudio.load(path)
    return w.double().mean(dim=0), sr


def main():
    os.makedirs(OUT, exist_ok=True)
    refs = []
    for i, name in enumerate(FSDD):
        shutil.copyfile(os.path.join('data', 'spoken_digits', name), os.path.join(OUT, name))
        x, sr = load_mono(os.path.join(OUT, name))
        refs.append(entry(name, x, sr, variants=(i == 0)))
    # Synthetic files: the samples written must be what torchaudio reads back.
    for name, rate, ch, writer in [('synthetic_stereo_pcm24_22050.wav', 22050, 2, write_pcm24_extensible),
                                   ('synthetic_3ch_float32_11025.wav', 11025, 3, write_float32)]:
        path = os.path.join(OUT, name)
        written = writer(path, synthetic_signal(rate, 0.5, ch, seed=rate), rate)
        w, sr = torchaudio.load(path)
        assert sr == rate and w.shape == written.shape, (name, sr, w.shape)
        assert np.allclose(w.double().numpy(), written, atol=1e-7), name
        # The mean of the channels rounded to float32, as recur's decoder returns it.
        refs.append(entry(name, torch.from_numpy(written.mean(axis=0)).float().double(), rate))
    # A pure tone for the resampler: 1 kHz at 44.1 kHz -> 16 kHz.
    t = torch.arange(4410) / 44100.0
    tone = torch.sin(2 * math.pi * 1000 * t)
    y = torchaudio.functional.resample(tone, 44100, 16000)
    resample_cases = [{'name': 'sine1k_44100_to_16000', 'from': 44100, 'to': 16000, 'input': 'sin(2 pi 1000 t), 4410 samples',
                       'length': y.numel(), 'output': [r(v) for v in y.tolist()]}]
    out = {'generator': 'scripts/make-audio-fixtures.py', 'torch': torch.__version__, 'torchaudio': torchaudio.__version__,
           'files': refs, 'resample': resample_cases}
    with open(os.path.join(OUT, 'references.json'), 'w') as f:
        json.dump(out, f, separators=(',', ':'))
    print('wrote', os.path.join(OUT, 'references.json'), os.path.getsize(os.path.join(OUT, 'references.json')), 'bytes')


if __name__ == '__main__':
    main()
