"""The question's second program: lists in a Namespace, appended to in the child. Both appends
are lost: ns.x returns a copy of the list, and the copy is what changes."""

import multiprocessing


def f(ns):
    ns.x.append(10)
    ns.y.append(10)


if __name__ == "__main__":
    manager = multiprocessing.Manager()
    ns = manager.Namespace()
    ns.x = []
    ns.y = []
    print("before", ns)
    p = multiprocessing.Process(target=f, args=(ns,))
    p.start()
    p.join()
    print("after", ns)
