// The slice of d3-hierarchy 3.1 the report's treemap uses (the package ships no types and @types/d3-hierarchy
// is not a dependency). Signatures follow d3-hierarchy's README.
declare module 'd3-hierarchy' {
  export interface HierarchyNode<T> {
    data: T;
    depth: number;
    value?: number;
    parent: HierarchyNode<T> | null;
    children?: HierarchyNode<T>[];
    sum(value: (d: T) => number): this;
    sort(compare: (a: HierarchyNode<T>, b: HierarchyNode<T>) => number): this;
    descendants(): HierarchyNode<T>[];
  }
  export interface HierarchyRectangularNode<T> extends HierarchyNode<T> {
    x0: number;
    y0: number;
    x1: number;
    y1: number;
    children?: HierarchyRectangularNode<T>[];
    descendants(): HierarchyRectangularNode<T>[];
  }
  export interface TreemapLayout<T> {
    (root: HierarchyNode<T>): HierarchyRectangularNode<T>;
    size(size: [number, number]): this;
    paddingInner(p: number): this;
    paddingOuter(p: number): this;
    paddingTop(p: number): this;
    round(r: boolean): this;
  }
  export function hierarchy<T>(data: T, children?: (d: T) => T[] | undefined): HierarchyNode<T>;
  export function treemap<T>(): TreemapLayout<T>;
}
