// The audio panel's markup (panel 5, or ?view=audio alone), filled into <section id="audio">.

export const AUDIO_PANEL_HTML = `
<h2 id="audio-title">5 · Listen: a spoken digit, frame by frame</h2>
<p class="help">A recurrent network hears a recording as a sequence of short spectra, one every 10 ms. Pick a sample, drop a WAV file or record yourself; under the spectrogram are the network's hidden state and gates at each frame, and at the bottom its prediction forming over time. <span class="kbd-help">Keys on the plots: ← → Home End.</span></p>
<div class="row">
  <div id="au-drop">Drop a <code>.wav</code> file here<span class="au-ckpt-hint"> (or <code>config.json</code> + <code>model.safetensors</code> of a <code>recur train --task audio</code> checkpoint)</span>, or
    <label class="file">choose files <input id="au-files" type="file" multiple accept=".wav,audio/wav,audio/x-wav,.json,.safetensors" /></label></div>
  <div class="au-rec"><button id="au-record" type="button">● Record</button> <span id="au-mic-note" class="note" role="status"></span> <a id="au-save" hidden download="recording.wav">save the recording</a></div>
</div>
<div class="row" id="au-samples" aria-label="sample recordings"><span class="note" id="au-samples-note">Try a sample:</span></div>
<div class="row"><p id="au-model-info" class="note" role="status">loading the spoken-digit model…</p><button id="au-bundled" type="button" hidden>Use the bundled model</button></div>
<p id="au-error" class="au-error" role="alert" hidden></p>
<div id="au-result" aria-live="polite"></div>
<div class="sticky-controls">
  <div class="row controls">
    <button id="au-back" aria-label="previous frame" title="previous frame (←)">◀</button>
    <button id="au-fwd" aria-label="next frame" title="next frame (→)">▶</button>
    <input id="au-scrub" type="range" min="0" max="0" value="0" aria-label="frame of the recording" />
    <span id="au-status" role="status"></span>
    <button id="au-play" type="button">▶ play sound</button>
  </div>
</div>
<div class="row">
  <label>Layer <select id="au-layer"></select></label>
  <label>Spectrogram <select id="au-feat"><option value="input">normalised (what the model reads)</option><option value="raw">before normalisation</option></select></label>
</div>
<div class="split">
  <div id="au-strip-holder"></div>
  <aside id="au-now-box"><h3 id="au-now-title">After frame 1</h3><ol id="au-now"></ol><p id="au-now-note" class="note"></p></aside>
</div>
<p id="au-curve-note" class="note"></p>
<p class="note">Rows of the state and gate maps are hidden units, grouped so that units moving together sit together. Colours: spectrogram and states blue = low or negative, orange = high; gates and probabilities from dark (0, closed) to yellow (1, open).</p>
<p class="note" id="au-credit">Sample recordings and the training data of the bundled model: Free Spoken Digit Dataset, Jackson et al., <a href="https://github.com/Jakobovski/free-spoken-digit-dataset">github.com/Jakobovski/free-spoken-digit-dataset</a>, licensed <a href="https://creativecommons.org/licenses/by-sa/4.0/">CC BY-SA 4.0</a> (see audio-samples/README.md beside this page).</p>
`;
