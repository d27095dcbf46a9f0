package io.github.actas.keycloak.policy;

import java.util.Arrays;

/** A small growable int list: the candidate grant numbers of one decision, without boxing. */
final class IntList {

    private int[] values;
    private int size;

    IntList(int capacity) {
        values = new int[Math.max(capacity, 4)];
    }

    void add(int value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = value;
    }

    void addAll(int[] more) {
        if (more == null) {
            return;
        }
        for (int value : more) {
            add(value);
        }
    }

    boolean contains(int value) {
        for (int i = 0; i < size; i++) {
            if (values[i] == value) {
                return true;
            }
        }
        return false;
    }

    int size() {
        return size;
    }

    int get(int index) {
        return values[index];
    }

    /** Sorts ascending and removes duplicates in place. */
    void sortUnique() {
        if (size < 2) {
            return;
        }
        Arrays.sort(values, 0, size);
        int out = 1;
        for (int i = 1; i < size; i++) {
            if (values[i] != values[out - 1]) {
                values[out++] = values[i];
            }
        }
        size = out;
    }
}
