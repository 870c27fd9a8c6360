"""Small source files in every supported language, with the units each one must yield."""

PYTHON = '''import os


@cache
def top(a, b=1) -> int:
    """Add things.

    More detail."""
    def inner():
        pass
    return a


class Shape(Base):
    """A shape."""

    def area(self):
        return 0
'''

JAVASCRIPT = """/** Adds one. */
export const inc = (a) => a + 1;
// Greets people.
class Greeter extends Base {
  /** Says hi. */
  greet(name) { return "hi " + name; }
  handler = () => 1;
}
function plain(x, y) { return x; }
"""

TYPESCRIPT = """interface Shape { area(): number }
/** A square. */
export class Square implements Shape {
  constructor(private s: number) {}
  area(): number { return this.s * this.s; }
}
export function make<T>(x: T): T { return x; }
"""

TSX = """// The app.
export function App({ name }: { name: string }) { return <div>{name}</div>; }
const Button = () => <button />;
"""

GO = """package stack

// Stack is a stack.
type Stack struct { items []int }

// Push pushes v.
func (s *Stack) Push(v int) { s.items = append(s.items, v) }

func New() *Stack { return &Stack{} }
"""

JAVA = """package p;

/** A counter. */
public class Counter {
  /** Increments. */
  @Override
  public int inc(int by) { return by + 1; }

  public Counter() {}
}
"""

RUST = """/// A point.
#[derive(Debug)]
pub struct Point { x: i32 }

impl<T> Point {
    /// The norm.
    pub fn norm(&self) -> i32 { self.x }
}

mod inner { pub fn helper() {} }

fn main() {}
"""

C = """/* Adds two ints. */
static int add(int a, int b) { return a + b; }

struct node { int v; };

struct node *make_node(void) { return 0; }
"""

CPP = """namespace ns {
class A {
 public:
  // Gets v.
  int get() const { return v; }
};
}

int ns::A::other(int x) { return x; }

template <typename T> T ident(T x) { return x; }
"""

# (language, source, [(unit_type, qualified_name, parent, signature, docstring, line_start, line_end)])
CASES = [
    ("python", PYTHON, [
        ("function", "top", None, "def top(a, b=1) -> int:", "Add things.\n\nMore detail.", 4, 11),
        ("function", "top.inner", "top", "def inner():", None, 9, 10),
        ("class", "Shape", None, "class Shape(Base):", "A shape.", 14, 18),
        ("method", "Shape.area", "Shape", "def area(self):", None, 17, 18),
    ]),
    ("javascript", JAVASCRIPT, [
        ("function", "inc", None, "const inc = (a) =>", "Adds one.", 2, 2),
        ("class", "Greeter", None, "class Greeter extends Base", "Greets people.", 4, 8),
        ("method", "Greeter.greet", "Greeter", "greet(name)", "Says hi.", 6, 6),
        ("method", "Greeter.handler", "Greeter", "handler = () =>", None, 7, 7),
        ("function", "plain", None, "function plain(x, y)", None, 9, 9),
    ]),
    ("typescript", TYPESCRIPT, [
        ("class", "Shape", None, "interface Shape", None, 1, 1),
        ("class", "Square", None, "class Square implements Shape", "A square.", 3, 6),
        ("method", "Square.constructor", "Square", "constructor(private s: number)", None, 4, 4),
        ("method", "Square.area", "Square", "area(): number", None, 5, 5),
        ("function", "make", None, "function make<T>(x: T): T", None, 7, 7),
    ]),
    ("tsx", TSX, [
        ("function", "App", None, "function App({ name }: { name: string })", "The app.", 2, 2),
        ("function", "Button", None, "const Button = () =>", None, 3, 3),
    ]),
    ("go", GO, [
        ("class", "Stack", None, "Stack struct", "Stack is a stack.", 4, 4),
        ("method", "Stack.Push", "Stack", "func (s *Stack) Push(v int)", "Push pushes v.", 7, 7),
        ("function", "New", None, "func New() *Stack", None, 9, 9),
    ]),
    ("java", JAVA, [
        ("class", "Counter", None, "public class Counter", "A counter.", 4, 10),
        ("method", "Counter.inc", "Counter", "@Override public int inc(int by)", "Increments.", 6, 7),
        ("method", "Counter.Counter", "Counter", "public Counter()", None, 9, 9),
    ]),
    ("rust", RUST, [
        ("class", "Point", None, "pub struct Point", "A point.", 3, 3),
        ("method", "Point.norm", "Point", "pub fn norm(&self) -> i32", "The norm.", 7, 7),
        ("function", "inner.helper", "inner", "pub fn helper()", None, 10, 10),
        ("function", "main", None, "fn main()", None, 12, 12),
    ]),
    ("c", C, [
        ("function", "add", None, "static int add(int a, int b)", "Adds two ints.", 2, 2),
        ("class", "node", None, "struct node", None, 4, 4),
        ("function", "make_node", None, "struct node *make_node(void)", None, 6, 6),
    ]),
    ("cpp", CPP, [
        ("class", "ns.A", "ns", "class A", None, 2, 6),
        ("method", "ns.A.get", "A", "int get() const", "Gets v.", 5, 5),
        ("method", "ns.A.other", "ns::A", "int ns::A::other(int x)", None, 9, 9),
        ("function", "ident", None, "T ident(T x)", None, 11, 11),
    ]),
]  # fmt: skip

BROKEN = {
    "python": "def broken(:\n    return\n\ndef fine():\n    return 1\n",
    "go": "package x\nfunc ok() {}\nfunc bad( {\n",
    "rust": "fn ok() {}\nfn bad( -> {\n",
}
