"""The question's first program: numbers in a Namespace, changed in the child. It works."""

import multiprocessing


def f(ns):
    ns.x *= 10
    ns.y *= 10


if __name__ == "__main__":
    manager = multiprocessing.Manager()
    ns = manager.Namespace()
    ns.x = 1
    ns.y = 2
    print("before", ns)
    p = multiprocessing.Process(target=f, args=(ns,))
    p.start()
    p.join()
    print("after", ns)
