/**
 * A point-region quadtree over 2-D points, rebuilt every t-SNE iteration, with per-cell mass and centre of
 * mass for the Barnes–Hut approximation of the repulsive forces (van der Maaten 2014). Each leaf holds one
 * position (coincident points are counted, not split). Storage is typed arrays that grow by doubling.
 */
export class QuadTree {
  private capacity = 0;
  private size = 0;
  private centerX: Float64Array = new Float64Array(0);
  private centerY: Float64Array = new Float64Array(0);
  private half: Float64Array = new Float64Array(0);
  private mass: Float64Array = new Float64Array(0);
  private sumX: Float64Array = new Float64Array(0);
  private sumY: Float64Array = new Float64Array(0);
  private firstChild: Int32Array = new Int32Array(0);
  private stack: Int32Array = new Int32Array(0);

  /** Rebuilds the tree over n points stored as [x0, y0, x1, y1, …]. */
  build(y: Float64Array, n: number): void {
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      const px = y[2 * i]!;
      const py = y[2 * i + 1]!;
      if (px < minX) minX = px;
      if (px > maxX) maxX = px;
      if (py < minY) minY = py;
      if (py > maxY) maxY = py;
    }
    const half = Math.max(maxX - minX, maxY - minY, 1e-12) / 2 * (1 + 1e-6);
    this.size = 0;
    this.ensure(4 * n + 1);
    this.newNode((minX + maxX) / 2, (minY + maxY) / 2, half);
    const minHalf = half * 1e-12;
    for (let i = 0; i < n; i++) this.insert(y[2 * i]!, y[2 * i + 1]!, minHalf);
    // from here on sumX/sumY hold centres of mass, so the traversal does no divisions
    for (let c = 0; c < this.size; c++) {
      const m = this.mass[c]!;
      if (m > 0) {
        this.sumX[c]! /= m;
        this.sumY[c]! /= m;
      }
    }
  }

  private insert(px: number, py: number, minHalf: number): void {
    let node = 0;
    for (;;) {
      if (this.mass[node] === 0) {
        this.addMass(node, px, py, 1);
        return;
      }
      if (this.firstChild[node]! < 0) {
        const m = this.mass[node]!;
        const qx = this.sumX[node]! / m;
        const qy = this.sumY[node]! / m;
        if ((qx === px && qy === py) || this.half[node]! < minHalf) {
          this.addMass(node, px, py, 1);
          return;
        }
        // split: the resident position moves into its quadrant with all its mass
        const h = this.half[node]! / 2;
        const cx = this.centerX[node]!;
        const cy = this.centerY[node]!;
        this.ensure(this.size + 4);
        const first = this.size;
        this.newNode(cx - h, cy - h, h);
        this.newNode(cx + h, cy - h, h);
        this.newNode(cx - h, cy + h, h);
        this.newNode(cx + h, cy + h, h);
        this.firstChild[node] = first;
        this.addMass(first + (qx >= cx ? 1 : 0) + (qy >= cy ? 2 : 0), qx, qy, m);
      }
      this.addMass(node, px, py, 1);
      node = this.firstChild[node]! + (px >= this.centerX[node]! ? 1 : 0) + (py >= this.centerY[node]! ? 2 : 0);
    }
  }

  private addMass(node: number, px: number, py: number, m: number): void {
    this.mass[node]! += m;
    this.sumX[node]! += m * px;
    this.sumY[node]! += m * py;
  }

  private newNode(cx: number, cy: number, half: number): void {
    const i = this.size++;
    this.centerX[i] = cx;
    this.centerY[i] = cy;
    this.half[i] = half;
    this.mass[i] = 0;
    this.sumX[i] = 0;
    this.sumY[i] = 0;
    this.firstChild[i] = -1;
  }

  private ensure(nodes: number): void {
    if (nodes <= this.capacity) return;
    const capacity = Math.max(nodes, this.capacity * 2);
    const f64 = (a: Float64Array): Float64Array => {
      const b = new Float64Array(capacity);
      b.set(a.subarray(0, this.size));
      return b;
    };
    this.centerX = f64(this.centerX);
    this.centerY = f64(this.centerY);
    this.half = f64(this.half);
    this.mass = f64(this.mass);
    this.sumX = f64(this.sumX);
    this.sumY = f64(this.sumY);
    const children = new Int32Array(capacity);
    children.set(this.firstChild.subarray(0, this.size));
    this.firstChild = children;
    this.capacity = capacity;
  }

  /**
   * Barnes–Hut repulsion on the point at (px, py): a cell is summarised by its centre of mass when it is a
   * leaf or when width / distance < θ. Adds Σ q_ijZ² (y_i − y_j) to force[0..1] and returns Σ_{j≠i} q_ijZ,
   * where q_ijZ = 1 / (1 + ‖y_i − y_j‖²). The point itself (a leaf at distance 0) is left out once.
   */
  repulsion(px: number, py: number, thetaSquared: number, force: Float64Array): number {
    if (this.stack.length < 4 * this.size + 1) this.stack = new Int32Array(4 * this.size + 1);
    const stack = this.stack;
    let top = 0;
    stack[top++] = 0;
    let sumQ = 0;
    let fx = 0;
    let fy = 0;
    while (top > 0) {
      const node = stack[--top]!;
      const m = this.mass[node]!;
      if (m === 0) continue;
      const dx = px - this.sumX[node]!;
      const dy = py - this.sumY[node]!;
      const d2 = dx * dx + dy * dy;
      const leaf = this.firstChild[node]! < 0;
      const width = 2 * this.half[node]!;
      if (leaf || width * width < thetaSquared * d2) {
        const count = leaf && d2 === 0 ? m - 1 : m;
        const q = 1 / (1 + d2);
        sumQ += count * q;
        const mq2 = count * q * q;
        fx += mq2 * dx;
        fy += mq2 * dy;
      } else {
        const c = this.firstChild[node]!;
        stack[top++] = c;
        stack[top++] = c + 1;
        stack[top++] = c + 2;
        stack[top++] = c + 3;
      }
    }
    force[0] = fx;
    force[1] = fy;
    return sumQ;
  }
}
