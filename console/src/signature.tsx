import { useEffect, useRef } from "preact/hooks";
import { t } from "./i18n";

/** The resident signs on the screen with a finger or a mouse; the drawing leaves as a PNG. */
export function SignaturePad({ onChange }: { onChange: (signed: Blob | null) => void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  const inked = useRef(false);

  useEffect(() => {
    const pad = canvas.current;
    const pen = pad?.getContext("2d");
    if (!pad || !pen) return;
    pen.lineWidth = 2.5;
    pen.lineCap = "round";
    pen.strokeStyle = "#111";
    const at = (event: PointerEvent) => {
      const box = pad.getBoundingClientRect();
      return [((event.clientX - box.left) * pad.width) / box.width, ((event.clientY - box.top) * pad.height) / box.height] as const;
    };
    const down = (event: PointerEvent) => {
      drawing.current = true;
      pad.setPointerCapture(event.pointerId);
      const [x, y] = at(event);
      pen.beginPath();
      pen.moveTo(x, y);
    };
    const move = (event: PointerEvent) => {
      if (!drawing.current) return;
      const [x, y] = at(event);
      pen.lineTo(x, y);
      pen.stroke();
      inked.current = true;
    };
    const up = () => {
      if (!drawing.current) return;
      drawing.current = false;
      if (inked.current) pad.toBlob((blob) => onChange(blob), "image/png");
    };
    pad.addEventListener("pointerdown", down);
    pad.addEventListener("pointermove", move);
    pad.addEventListener("pointerup", up);
    return () => {
      pad.removeEventListener("pointerdown", down);
      pad.removeEventListener("pointermove", move);
      pad.removeEventListener("pointerup", up);
    };
  }, [onChange]);

  const clear = () => {
    const pad = canvas.current;
    pad?.getContext("2d")?.clearRect(0, 0, pad.width, pad.height);
    inked.current = false;
    onChange(null);
  };

  return (
    <div class="signature">
      <canvas ref={canvas} width={600} height={200} role="img" aria-label={t("signHere")} data-testid="signature-pad" />
      <button type="button" class="secondary" onClick={clear}>
        {t("clearSignature")}
      </button>
    </div>
  );
}
