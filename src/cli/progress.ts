const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
/** A walk that finishes sooner than this shows nothing. */
const PROGRESS_DELAY_MS = 300;
const FRAME_MS = 100;

/**
 * A one-line spinner with a count on stderr, for walks over many pages. It
 * appears only on a terminal and only after PROGRESS_DELAY_MS, and erases
 * itself when stopped, so pipes and quick runs never see it.
 */
export class Progress {
  #count = 0;
  #frame = 0;
  #shown = false;
  #timer: NodeJS.Timeout | undefined;
  #delay: NodeJS.Timeout | undefined;

  constructor(
    private readonly label: string,
    enabled: boolean,
  ) {
    if (!enabled) return;
    this.#delay = setTimeout(() => {
      this.#shown = true;
      this.#draw();
      this.#timer = setInterval(() => this.#draw(), FRAME_MS);
    }, PROGRESS_DELAY_MS);
  }

  update(count: number): void {
    this.#count = count;
  }

  stop(): void {
    clearTimeout(this.#delay);
    clearInterval(this.#timer);
    if (this.#shown) process.stderr.write("\r\u001b[K");
    this.#shown = false;
  }

  #draw(): void {
    this.#frame = (this.#frame + 1) % FRAMES.length;
    process.stderr.write(`\r\u001b[K${FRAMES[this.#frame] ?? ""} ${this.label}… ${this.#count}`);
  }
}
