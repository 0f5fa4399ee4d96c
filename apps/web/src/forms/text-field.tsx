import { useId, type InputHTMLAttributes } from 'react';

interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value' | 'id'> {
  label: string;
  value: string;
  onChange(value: string): void;
  /** The API's message for this field (a problem's `errors[]`), shown under it and announced with it. */
  error?: string;
}

/**
 * A labelled input in the design system's markup, with its error in an element of its own tied by
 * aria-describedby (the kit's Input gives its error text no id).
 */
export function TextField({ label, value, onChange, error, ...attributes }: TextFieldProps) {
  const id = useId();
  // The design system draws the label above the input, over the space before the group (mt-4 keeps it clear of a
  // heading, or of the field above in a table cell).
  return (
    <div className="form-group mt-4">
      <label htmlFor={id} className="active">
        {label}
      </label>
      <input
        id={id}
        className={`form-control${error ? ' is-invalid' : ''}`}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        {...(error ? { 'aria-describedby': `${id}-error`, 'aria-invalid': true } : {})}
        {...attributes}
      />
      {error ? (
        <div id={`${id}-error`} className="text-danger small mt-1">
          {error}
        </div>
      ) : null}
    </div>
  );
}

interface SelectFieldProps {
  label: string;
  value: string;
  options: { value: string; label: string }[];
  onChange(value: string): void;
}

export function SelectField({ label, value, options, onChange }: SelectFieldProps) {
  const id = useId();
  return (
    <div className="select-wrapper mb-4">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
