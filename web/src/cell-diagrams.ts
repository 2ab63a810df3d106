// The LSTM, GRU and plain RNN cells drawn after Olah's "Understanding LSTM Networks": every
// gate named, its value on its output wire, h(t) leaving up (output) and right (next step).
import { chip, dot, frame, gateBox, label, line, op, wire, type Values } from './diagram-svg.js';

export type { Values } from './diagram-svg.js';

export function lstmDiagram(v: Values, sel: string): string {
  return frame(
    [
      // h(t) leaves upwards, passing under the cell state: the conveyor belt along the top.
      wire('M700,320 L700,8'),
      wire('M10,70 L187,70', 'cell-line'), op(200, 70, '×'), wire('M213,70 L347,70', 'cell-line'), op(360, 70, '+'), wire('M373,70 L790,70', 'cell-line'),
      // h(t-1) and x(t) join and feed every gate.
      line('M10,320 L90,320'), line('M90,372 L90,320'), dot(90, 320), line('M90,320 L550,320'),
      wire('M200,320 L200,277'), wire('M290,320 L290,277'), wire('M430,320 L430,277'), wire('M550,320 L550,277'),
      gateBox(200, 260, 'σ', 'forget gate', 'f', sel), gateBox(290, 260, 'σ', 'input gate', 'i', sel), gateBox(430, 260, 'tanh', 'candidate', 'g', sel, '#f6d2ff'), gateBox(550, 260, 'σ', 'output gate', 'o', sel),
      wire('M200,243 L200,83'), wire('M290,243 L290,150 L347,150'), wire('M430,243 L430,150 L373,150'), op(360, 150, '×'), wire('M360,137 L360,83'),
      wire('M640,70 L640,113'), gateBox(640, 130, 'tanh', '', 'tc', sel, '#f6d2ff'), wire('M640,147 L640,207'), op(640, 220, '×'), wire('M582,260 L620,260 L620,220 L627,220'),
      line('M640,233 L640,320'), wire('M640,320 L790,320'), dot(700, 320),
      chip(60, 50, 'c(t−1)', v.cPrev!, 'cell'), chip(52, 300, 'h(t−1)', v.hPrev!), label(100, 372, 'x(t)', 'start'),
      chip(200, 190, 'f', v.f!, 'gate'), chip(275, 195, 'i', v.i!, 'gate'), chip(440, 195, 'g', v.g!), chip(585, 196, 'o', v.o!, 'gate'),
      chip(280, 50, 'f·c(t−1)', v.fc!, 'cell', 'fc'), chip(360, 110, 'i·g', v.ig!, 'state', 'ig'), chip(750, 50, 'c(t)', v.c!, 'cell', 'c'), chip(725, 130, 'tanh c', v.tc!, 'state', 'tc'),
      chip(745, 345, 'h(t)', v.h!, 'state', 'h'), label(707, 18, 'h(t) output', 'start'), label(792, 312, '→ next step', 'end'),
      label(20, 22, 'LSTM: the cell state runs along the top, changed only by × forget and + new content', 'start', 'lbl title'),
    ].join(''),
    'LSTM cell', 800, 390, [120, 35, 610, 320],
  );
}

export function gruDiagram(v: Values, sel: string): string {
  return frame(
    [
      // The hidden state runs along the top; z mixes the old state with the candidate.
      wire('M10,70 L507,70'), op(520, 70, '×'), wire('M533,70 L587,70'), op(600, 70, '+'), wire('M613,70 L790,70'),
      line('M90,70 L90,330'), line('M90,372 L90,330'), dot(90, 70), dot(90, 330), line('M90,330 L520,330'),
      wire('M130,330 L130,287'), wire('M300,330 L300,287'), wire('M520,330 L520,287'),
      gateBox(130, 270, 'σ', 'reset gate', 'r', sel), gateBox(300, 270, 'tanh', 'candidate', 'n', sel, '#f6d2ff'), gateBox(520, 270, 'σ', 'update gate', 'z', sel),
      // The reset path: r multiplies what h(t-1) contributes to the candidate.
      wire('M130,253 L130,170 L202,170'), dot(215, 70), wire('M215,70 L215,157'), op(215, 170, '×'), wire('M228,170 L300,170 L300,253'),
      wire('M332,270 L400,270 L400,200 L587,200'),
      wire('M520,253 L520,83'), dot(520, 235), line('M520,235 L547,235'), op(560, 235, '1−'), wire('M573,235 L600,235 L600,213'), op(600, 200, '×'), wire('M600,187 L600,83'),
      dot(700, 70), wire('M700,70 L700,8'),
      chip(60, 50, 'h(t−1)', v.hPrev!), label(100, 372, 'x(t)', 'start'), label(222, 120, 'U·h(t−1)', 'start'),
      chip(130, 215, 'r', v.r!, 'gate'), chip(372, 300, 'n', v.n!), chip(520, 160, 'z', v.z!, 'gate'),
      chip(560, 46, 'z·h(t−1)', v.zh!, 'state', 'zh'), chip(680, 185, '(1−z)·n', v.zn!, 'state', 'zn'), chip(750, 95, 'h(t)', v.h!, 'state', 'h'),
      label(707, 18, 'h(t) output', 'start'), label(792, 62, '→ next step', 'end'),
      label(20, 22, 'GRU: h(t) = (1 − z)·n + z·h(t−1); r decides how much h(t−1) shapes n', 'start', 'lbl title'),
    ].join(''),
    'GRU cell', 800, 390, [110, 35, 560, 320],
  );
}

export function rnnDiagram(v: Values, sel: string): string {
  return frame(
    [
      line('M10,150 L250,150'), line('M250,262 L250,150'), dot(250, 150), wire('M250,150 L328,150'),
      gateBox(360, 150, 'tanh', 'the only layer', 'h', sel, '#f6d2ff'),
      wire('M392,150 L790,150'), dot(640, 150), wire('M640,150 L640,8'),
      chip(120, 130, 'h(t−1)', v.hPrev!), label(260, 258, 'x(t)', 'start'), chip(292, 128, 'a', v.a!, 'state', 'a'), label(240, 212, 'a = W_h·h(t−1) + W_x·x(t) + b', 'middle'), chip(730, 130, 'h(t)', v.h!, 'state', 'h'),
      label(647, 18, 'h(t) output', 'start'), label(792, 172, '→ next step', 'end'),
      label(440, 228, 'no gate protects the state: tanh squashes it every step', 'middle', 'lbl'),
      label(20, 22, 'plain RNN: h(t) = tanh(W_h·h(t−1) + W_x·x(t) + b)', 'start', 'lbl title'),
    ].join(''),
    'plain RNN cell', 800, 270, [150, 40, 450, 200],
  );
}
